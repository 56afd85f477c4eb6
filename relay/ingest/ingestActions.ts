// What each event route does with a payload the guard let through: adapt it, hand the event(s) to
// the call pipeline, and answer in the format the PBX expects.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EXTENSION_PATTERN } from '../../shared/callEvent.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { ContactsFeed } from '../contacts/contactsFeed.ts';
import type { Clock } from '../http/clock.ts';
import type { AdapterEvent, AdapterResult } from './adapters/fields.ts';
import { genericAdapter } from './adapters/generic.ts';
import { logoAdapter } from './adapters/logo.ts';
import { netsantralAdapter, netsantralAnswer } from './adapters/netsantral.ts';
import { journalAdapter } from './adapters/threecx.ts';
import { uisAdapter } from './adapters/uis.ts';
import { vtigerCdrAdapter } from './adapters/vtiger.ts';
import type { CallPipeline } from './callPipeline.ts';
import type { IngestRequest } from './ingestGuard.ts';
import { refuse } from './ingestReply.ts';
import { routeByOwner, routeNetsantralCall } from './ownerRouting.ts';
import type { IngestAction } from './pbxRouteTable.ts';
import type { IngestConfig } from './pbxSources.ts';

export interface ActionDeps {
  config: IngestConfig;
  pipeline: CallPipeline;
  clock: Clock;
  agents: AgentDirectory;
  feed: ContactsFeed | null;
}

export interface ActionContext {
  request: FastifyRequest;
  reply: FastifyReply;
  state: IngestRequest;
  /** The parsed JSON (json routes) or the record of fields (fields routes). */
  input: unknown;
  deps: ActionDeps;
}

export type Action = (ctx: ActionContext) => Promise<unknown>;

function refused(ctx: ActionContext, result: { reason: string; field?: string }) {
  return refuse(ctx.reply, ctx.state.route.format, 400, 'bad-request', result.reason, result.field);
}

/** The events as the source's routing delivers them (ownerRouting.ts); unchanged by extension. */
async function routed(
  ctx: ActionContext,
  events: AdapterEvent[],
  fallbackExtensions?: readonly string[],
): Promise<AdapterEvent[]> {
  const routing = ctx.state.source?.routing;
  if (routing?.mode !== 'owner') return events;
  const { agents, feed, config } = ctx.deps;
  const deps = { agents, feed, region: config.defaultRegion };
  const out: AdapterEvent[] = [];
  for (const event of events)
    out.push(...(await routeByOwner(event, routing.teamAgents, deps, fallbackExtensions)));
  return out;
}

/** Routes, stamps and accepts the events; answers with the ids a PBX log can be matched against. */
async function acceptAll(ctx: ActionContext, events: AdapterEvent[]): Promise<string[]> {
  const at = new Date(ctx.deps.clock.now()).toISOString();
  const ids: string[] = [];
  for (const incoming of await routed(ctx, events)) {
    const { event, duplicate } = await ctx.deps.pipeline.accept({ ...incoming, at });
    ids.push(event.id);
    // The caller's number is personal data and stays out of the log; the ids correlate with the PBX.
    ctx.request.log.info(
      {
        id: event.id,
        callId: event.callId,
        state: event.state,
        extension: event.extension,
        source: event.source,
        routedBy: event.routedBy,
        pbxSource: ctx.state.source?.name,
        duplicate,
      },
      'call accepted',
    );
  }
  return ids;
}

/** The usual answer; `d` because Logo CRM's callers expect an ASP.NET page-method answer. */
function ok(ids: string[]) {
  return ids.length > 1 ? { ok: true, id: ids[0], ids, d: 'OK' } : { ok: true, id: ids[0], d: 'OK' };
}

const single =
  (adapter: (raw: unknown) => AdapterResult): Action =>
  async (ctx) => {
    const result = adapter(ctx.input);
    if (!result.ok) return refused(ctx, result);
    return ok(await acceptAll(ctx, [result.event]));
  };

const netsantral: Action = async (ctx) => {
  const result = netsantralAdapter(ctx.input);
  if (!result.ok) return refused(ctx, result);
  const options = ctx.deps.config.netsantral;
  const query = ctx.state.query.extension ?? ctx.state.query.dahili;
  if (query !== undefined && !EXTENSION_PATTERN.test(query))
    return refused(ctx, {
      reason: 'extension may contain only letters, digits and * # _ - (at most 32)',
      field: 'extension',
    });
  const { extension, owner, contactName } = await routeNetsantralCall(result.event, query, {
    options,
    agents: ctx.deps.agents,
    feed: ctx.deps.feed,
    region: ctx.deps.config.defaultRegion,
  });
  if (!extension)
    return refused(ctx, {
      reason:
        'no extension for this call: set pbx.netsantral.extension or extensionByNumber, or add ?extension= to the URL',
      field: 'extension',
    });
  await acceptAll(ctx, [{ ...result.event, extension }]);
  return netsantralAnswer({
    ownerExtension: owner,
    defaultResult: options.defaultResult,
    defaultRedirect: options.defaultRedirect,
    greeting: options.greeting,
    contactName,
  });
};

const uis: Action = async (ctx) => {
  const { fallbackExtensions } = ctx.deps.config.uis;
  const keepMissingExtension = ctx.state.source?.routing.mode === 'owner';
  const result = uisAdapter(ctx.input, { fallbackExtensions, keepMissingExtension });
  if (!result.ok) return refused(ctx, result);
  const events = await routed(ctx, result.events, fallbackExtensions);
  if (!events.length)
    return refused(ctx, {
      reason:
        "user_extension is empty, the caller's owner is no agent, and the source has no teamAgents (nor pbx.uis.fallbackExtensions)",
      field: 'user_extension',
    });
  return ok(await acceptAll(ctx, events));
};

const vtigerCdr: Action = async (ctx) => {
  const result = vtigerCdrAdapter(ctx.input);
  if (!result.ok) return refused(ctx, result);
  const [id] = await acceptAll(ctx, [result.event]);
  // ParsVT's own answer: the id of the record it created or updated.
  return { success: true, result: id };
};

const journal: Action = async (ctx) => {
  const agents = await ctx.deps.agents.list();
  const result = journalAdapter(ctx.input, {
    now: ctx.deps.clock.now(),
    resolveAgent(value) {
      if (agents.some((a) => a.extensions.includes(value))) return { extension: value };
      const byId = agents.find((a) => a.agentIds.includes(value));
      return byId ? { extension: byId.extensions[0] ?? value, agentId: value } : undefined;
    },
  });
  if (!result.ok) return refused(ctx, result);
  return ok(await acceptAll(ctx, [result.event]));
};

export const EVENT_ACTIONS: Partial<Record<IngestAction, Action>> = {
  logo: single(logoAdapter),
  generic: single(genericAdapter),
  netsantral,
  uis,
  'vtiger-cdr': vtigerCdr,
  journal,
};
