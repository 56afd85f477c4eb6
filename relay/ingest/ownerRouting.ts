// Netsantral asks, while the call still rings, which extension to send it to. With
// `pbx.netsantral.routeToOwner` the caller goes to the agent who owns their contact (one owner for
// every contact with the number, and that owner an agent with an extension); otherwise the URL's
// `?extension=`, the number's configured extension or the fallback decide (adapters/netsantral.ts).
import type { NewCallEvent } from '../../shared/callEvent.ts';
import type { Contact } from '../../shared/contact.ts';
import type { AgentConfig } from '../agents/agentConfig.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { ContactsFeed } from '../contacts/contactsFeed.ts';
import { chooseExtension, type NetsantralCall } from './adapters/netsantral.ts';
import { type NetsantralOptions, numberKey } from './pbxSources.ts';

/** The one owner (lower case) of every contact with this number; else none. */
function soleOwner(contacts: readonly Contact[]): string | undefined {
  const owners = new Set(contacts.map((c) => c.owner?.toLowerCase()).filter(Boolean));
  return owners.size === 1 ? [...owners][0] : undefined;
}

/** The one owner of every contact with this number, as an agent with an extension; else none. */
export function ownerExtension(
  contacts: readonly Contact[],
  agents: readonly AgentConfig[],
): string | undefined {
  const owner = soleOwner(contacts);
  return owner ? agents.find((a) => a.user.toLowerCase() === owner)?.extensions[0] : undefined;
}

/** The contact to name: the only person with the number, else the only contact at all. */
export function namedContact(contacts: readonly Contact[]): Contact | undefined {
  const persons = contacts.filter((c) => c.kind === 'person');
  if (persons.length === 1) return persons[0];
  return persons.length === 0 && contacts.length === 1 ? contacts[0] : undefined;
}

export interface RouteDeps {
  options: NetsantralOptions;
  agents: AgentDirectory;
  /** Null when the relay has no contacts: nobody owns the caller. */
  feed: ContactsFeed | null;
  region: string;
}

export interface RoutedCall {
  /** Where the call goes; undefined when nothing configured names an extension. */
  extension: string | undefined;
  /** The owner's extension, when the call is routed to the owner. */
  owner: string | undefined;
  /** Whom Netsantral's greeting may name. */
  contactName: string | undefined;
}

export async function routeNetsantralCall(
  event: NetsantralCall,
  query: string | undefined,
  deps: RouteDeps,
): Promise<RoutedCall> {
  const { options, region } = deps;
  const agents = await deps.agents.list();
  const contacts = deps.feed && event.callerId ? await deps.feed.findByPhone(event.callerId, region) : [];
  const owner = options.routeToOwner ? ownerExtension(contacts, agents) : undefined;
  const extension = chooseExtension(event, {
    owner,
    query,
    byNumber: options.extensionByNumber,
    numberKey: (raw) => numberKey(raw, region),
    agentExtensions: new Set(agents.flatMap((a) => a.extensions)),
    fallback: options.extension,
  });
  return { extension, owner, contactName: namedContact(contacts)?.name };
}

// A PBX source with `"routing": "owner"` (RBS CRM's option for UIS, shared/reference/003_…): a
// call is shown only to the agent responsible for the caller; a caller nobody owns goes to the
// extension it came in on, as with every other source; a call that names no extension (UIS's lost
// call) goes to the source's team agents. The event says which (`routedBy`) and, when users rather
// than the extension address it, to whom (`routedTo`: the log keys, relay/store/logKeys.ts).

export interface OwnerRouteDeps {
  agents: AgentDirectory;
  feed: ContactsFeed | null;
  region: string;
}

/** The users of the agents who own the caller: the one owner of every contact with the number. */
export function ownerAgents(contacts: readonly Contact[], agents: readonly AgentConfig[]): string[] {
  const owner = soleOwner(contacts);
  if (!owner) return [];
  return agents.filter((a) => a.user.toLowerCase() === owner).map((a) => a.user);
}

/** The team as agent users (spelled as the agent store has them; unknown names kept as written). */
function teamUsers(team: readonly string[], agents: readonly AgentConfig[]): string[] {
  const users = team.map(
    (name) => agents.find((a) => a.user.toLowerCase() === name.toLowerCase())?.user ?? name,
  );
  return [...new Set(users)];
}

/**
 * The event as an owner-routing source delivers it: to the owner, else its extension (`extension`
 * empty: the PBX named none), else the team; else one event per `fallbackExtensions` entry (UIS's
 * own fallback, also called the team). Empty when nobody can hear it. Events already routed pass.
 */
export async function routeByOwner<E extends Omit<NewCallEvent, 'at'>>(
  event: E,
  teamAgents: readonly string[],
  deps: OwnerRouteDeps,
  fallbackExtensions: readonly string[] = [],
): Promise<E[]> {
  if (event.routedBy) return [event];
  const agents = await deps.agents.list();
  const contacts =
    deps.feed && event.callerId ? await deps.feed.findByPhone(event.callerId, deps.region) : [];
  const owners = ownerAgents(contacts, agents);
  if (owners.length) return [{ ...event, routedBy: 'owner', routedTo: owners }];
  if (event.extension) return [{ ...event, routedBy: 'extension' }];
  if (teamAgents.length) return [{ ...event, routedBy: 'team', routedTo: teamUsers(teamAgents, agents) }];
  return fallbackExtensions.map((extension) => ({ ...event, extension, routedBy: 'team' }));
}
