// Which agent hears which call. An event is indexed under one key per identity the PBX gave it
// (extension, agent id); an agent listens on the keys of everything it is mapped to. The same
// keys name the event log's rings, so replay and live delivery can never disagree on routing.
import type { CallEvent } from '../../shared/callEvent.ts';

export interface Route {
  extensions: readonly string[];
  agentIds: readonly string[];
}

export const extensionKey = (extension: string): string => `ext:${extension}`;
export const agentIdKey = (agentId: string): string => `agent:${agentId}`;

/** The log keys an event is stored under. */
export function eventKeys(event: Pick<CallEvent, 'extension' | 'agentId'>): string[] {
  const keys = [extensionKey(event.extension)];
  if (event.agentId) keys.push(agentIdKey(event.agentId));
  return keys;
}

/** The log keys an agent reads. */
export function agentKeys(route: Route): string[] {
  return [...route.extensions.map(extensionKey), ...route.agentIds.map(agentIdKey)];
}

/** True when the event belongs to this agent: its extension or its agent id is the agent's. */
export function routesTo(route: Route, event: Pick<CallEvent, 'extension' | 'agentId'>): boolean {
  if (route.extensions.includes(event.extension)) return true;
  return event.agentId !== undefined && route.agentIds.includes(event.agentId);
}
