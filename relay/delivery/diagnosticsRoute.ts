// `POST /v1/diagnostics/test-call`: an agent sends itself a test call, from the extension's
// Diagnostics section. Its events (answered, then hung up) go through the same pipeline and log as
// a PBX's, so they travel the real path (log, live delivery, replay) and the extension can time
// each step of the answer.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  CALLER_ID_PATTERN,
  type CallEvent,
  KEYPRESS_PATTERN,
  type NewCallEvent,
} from '../../shared/callEvent.ts';
import type { AgentConfig } from '../agents/agentConfig.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import { agentOf, requireAgent } from '../agents/agentRequest.ts';
import type { Clock } from '../http/clock.ts';
import { badRequest, sendError } from '../http/httpErrors.ts';
import { RateLimiter } from '../http/rateLimit.ts';
import { AGENT_AUTH, refusals } from '../http/routeDocs.ts';

export const TEST_CALL_PATH = '/v1/diagnostics/test-call';
/** A person clicking a button, not a load generator: a few tests a minute is plenty. */
export const TEST_CALLS_PER_MINUTE = 10;
/** The caller a test call shows when the agent names none (a Turkish mobile, as in the samples). */
export const TEST_CALLER_ID = '05334979714';
export const TEST_SOURCE = 'test';

export interface DiagnosticsRouteOptions {
  agents: AgentDirectory;
  /** The PBX pipeline (ingest/callPipeline.ts), handed in by the app: delivery sits below ingest. */
  pipeline: { accept(event: NewCallEvent): Promise<{ event: CallEvent }> };
  clock: Clock;
  ratePerMinute?: number;
}

const TestCallAnswerSchema = Type.Object({
  ok: Type.Literal(true),
  id: Type.String({ description: 'event id' }),
  callId: Type.String({ description: '`TEST-…`' }),
  at: Type.String({ description: 'ISO time the relay accepted it' }),
});
export type TestCallAnswer = Static<typeof TestCallAnswerSchema>;

const TEST_CALL_SCHEMA = {
  summary:
    "Diagnostics: an answered test call (source `test`) to the calling agent's first extension, through the PBX pipeline; 10 a minute per agent",
  operationId: 'testCall',
  tags: ['agent'],
  security: AGENT_AUTH,
  // Documented, and checked by readBody (which also takes an empty body), naming the field.
  body: Type.Object({
    callerId: Type.Optional(Type.String({ description: 'default: a sample number' })),
    keypress: Type.Optional(Type.String({ description: 'one digit, * or #' })),
  }),
  response: { 200: TestCallAnswerSchema, ...refusals(400, 401, 429) },
};

type Body = { callerId: string; keypress?: string } | { field: string; reason: string };

function readBody(body: unknown): Body {
  if (body === undefined || body === null || body === '') return { callerId: TEST_CALLER_ID };
  if (typeof body !== 'object' || Array.isArray(body))
    return { field: 'body', reason: 'body must be a JSON object (or empty)' };
  const { callerId = TEST_CALLER_ID, keypress } = body as Record<string, unknown>;
  if (typeof callerId !== 'string' || !CALLER_ID_PATTERN.test(callerId))
    return { field: 'callerId', reason: 'callerId must be a phone number of at most 40 characters' };
  if (keypress !== undefined && (typeof keypress !== 'string' || !KEYPRESS_PATTERN.test(keypress)))
    return { field: 'keypress', reason: 'keypress must be one digit, * or #' };
  return keypress ? { callerId, keypress } : { callerId };
}

/** The agent's own call: on its first extension, answered by it, so only its browser pops. */
export function testCallEvent(agent: AgentConfig, body: { callerId: string; keypress?: string }, at: string) {
  const event: NewCallEvent = {
    callId: `TEST-${randomBytes(6).toString('hex')}`,
    state: 'answered',
    extension: agent.extensions[0] ?? agent.agentIds[0] ?? agent.user,
    callerId: body.callerId,
    direction: 'inbound',
    at,
    source: TEST_SOURCE,
    // The pipeline fills this from the agent id; an agent without one is named directly.
    answeredBy: agent.user,
  };
  if (agent.agentIds[0]) event.agentId = agent.agentIds[0];
  if (body.keypress) event.keypress = body.keypress;
  return event;
}

export function registerDiagnosticsRoutes(app: FastifyInstance, options: DiagnosticsRouteOptions): void {
  const limiter = new RateLimiter(options.clock);
  const perMinute = options.ratePerMinute ?? TEST_CALLS_PER_MINUTE;

  const auth = requireAgent(options.agents, { what: 'test call' });
  // Counted before the body is looked at, so junk bodies cannot be sent faster than test calls.
  const rateLimit = async (request: FastifyRequest, reply: FastifyReply) => {
    const taken = limiter.take(agentOf(request).user, perMinute);
    if (taken.ok) return undefined;
    reply.header('Retry-After', String(taken.retryAfterSeconds));
    return sendError(reply, 429, {
      error: 'rate-limited',
      reason: `at most ${perMinute} test calls a minute per agent`,
    });
  };

  app.post(
    TEST_CALL_PATH,
    {
      onRequest: [auth, rateLimit],
      // No body at all is a test call with the defaults.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null || request.body === '') request.body = {};
      },
      schema: TEST_CALL_SCHEMA,
    },
    async (request, reply): Promise<TestCallAnswer | FastifyReply> => {
      const agent = agentOf(request);
      const body = readBody(request.body);
      if ('field' in body) return badRequest(reply, body.reason, body.field);
      const at = new Date(options.clock.now()).toISOString();
      const { event } = await options.pipeline.accept(testCallEvent(agent, body, at));
      // Ended at once, so the agent's busy light does not stay red for a call nobody is on.
      const { id: _id, answeredBy: _who, ...ended } = event;
      await options.pipeline.accept({ ...ended, state: 'hangup' });
      request.log.info(
        { id: event.id, callId: event.callId, extension: event.extension, user: agent.user },
        'test call accepted',
      );
      return { ok: true, id: event.id, callId: event.callId, at: event.at };
    },
  );
}
