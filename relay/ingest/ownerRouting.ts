// Netsantral asks, while the call still rings, which extension to send it to. With
// `pbx.netsantral.routeToOwner` the caller goes to the agent who owns their contact (one owner for
// every contact with the number, and that owner an agent with an extension); otherwise the URL's
// `?extension=`, the number's configured extension or the fallback decide (adapters/netsantral.ts).
import type { Contact } from '../../shared/contact.ts';
import type { AgentConfig } from '../agents/agentConfig.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { ContactsFeed } from '../contacts/contactsFeed.ts';
import { chooseExtension, type NetsantralCall } from './adapters/netsantral.ts';
import { type NetsantralOptions, numberKey } from './pbxSources.ts';

/** The one owner of every contact with this number, as an agent with an extension; else none. */
export function ownerExtension(
  contacts: readonly Contact[],
  agents: readonly AgentConfig[],
): string | undefined {
  const owners = new Set(contacts.map((c) => c.owner?.toLowerCase()).filter(Boolean));
  if (owners.size !== 1) return undefined;
  const [owner] = owners;
  return agents.find((a) => a.user.toLowerCase() === owner)?.extensions[0];
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
