// Keeps the unload marker (extension/guard/unload-marker.js) registered for exactly the CRM origin,
// and only while the agent grants host access to it. Runs on every worker start, on settings
// changes and when the permission is added or removed; browser access is passed in.
import { originPattern } from './guard.ts';

export const MARKER_SCRIPT_ID = 'screenpop-unload-marker';
export const MARKER_FILE = 'guard/unload-marker.js';

export interface MarkerScript {
  id: string;
  matches?: string[];
}

export interface MarkerApi {
  hasPermission(origin: string): Promise<boolean>;
  registered(): Promise<MarkerScript[]>;
  register(script: {
    id: string;
    js: string[];
    matches: string[];
    runAt: 'document_start';
    world: 'MAIN';
    allFrames: boolean;
  }): Promise<void>;
  unregister(id: string): Promise<void>;
}

/** What changed: `registered`, `unregistered` or `kept`. */
export async function syncUnloadMarker(
  api: MarkerApi,
  origin: string,
): Promise<'registered' | 'unregistered' | 'kept'> {
  const wanted = origin && (await api.hasPermission(origin)) ? originPattern(origin) : null;
  const current = (await api.registered()).find((s) => s.id === MARKER_SCRIPT_ID);
  if (current && wanted && current.matches?.length === 1 && current.matches[0] === wanted) return 'kept';
  if (current) await api.unregister(MARKER_SCRIPT_ID);
  if (!wanted) return current ? 'unregistered' : 'kept';
  await api.register({
    id: MARKER_SCRIPT_ID,
    js: [MARKER_FILE],
    matches: [wanted],
    runAt: 'document_start',
    world: 'MAIN',
    allFrames: true,
  });
  return 'registered';
}
