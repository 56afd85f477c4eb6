// Which agent hears which call. An event is indexed under one key per identity the PBX gave it
// (extension, agent id); an agent listens on the keys of everything it is mapped to. The same
// keys name the event log's rings, so replay and live delivery can never disagree on routing.
// An event routed to its caller's owner or to a team (`routedTo`, relay/ingest/ownerRouting.ts) is
// stored under those users' keys only, so nobody else on its extension hears it.
import type { CallEvent } from '../../shared/callEvent.ts';

export interface Route {
  /** The agent's user: what owner and team routing address. */
  user?: string;
  extensions: readonly string[];
  agentIds: readonly string[];
}

type Routed = Pick<CallEvent, 'extension' | 'agentId' | 'routedTo'>;

export const extensionKey = (extension: string): string => `ext:${extension}`;
export const agentIdKey = (agentId: string): string => `agent:${agentId}`;
export const userKey = (user: string): string => `user:${user}`;

/** The log keys an event is stored under. */
export function eventKeys(event: Routed): string[] {
  if (event.routedTo?.length) return event.routedTo.map(userKey);
  const keys = [extensionKey(event.extension)];
  if (event.agentId) keys.push(agentIdKey(event.agentId));
  return keys;
}

/** The log keys an agent reads. */
export function agentKeys(route: Route): string[] {
  const keys = [...route.extensions.map(extensionKey), ...route.agentIds.map(agentIdKey)];
  return route.user === undefined ? keys : [...keys, userKey(route.user)];
}

/**
 * True when the event belongs to this agent: it was routed to the agent's user, or (not routed to
 * users) its extension or its agent id is the agent's.
 */
export function routesTo(route: Route, event: Routed): boolean {
  if (event.routedTo?.length) return route.user !== undefined && event.routedTo.includes(route.user);
  if (route.extensions.includes(event.extension)) return true;
  return event.agentId !== undefined && route.agentIds.includes(event.agentId);
}
