// The Chrome manifest crxjs wrote to dist/, rewritten for Firefox (dist-firefox/). Firefox runs
// the background as an event page, not a service worker, and takes its id and minimum version from
// browser_specific_settings; everything else is the same extension.

/** The add-on id: fixed, so policies (managed storage) and the store listing find it. */
export const GECKO_ID = 'screenpop@screenpop.app';

/**
 * The oldest Firefox we declare. The code needs 128: `scripting.executeScript` and
 * `registerContentScripts` with `world: 'MAIN'` (the pending-work guard and its unload marker);
 * the rest is older (storage.session 115, AbortSignal.any 124, ES-module event pages 112). The
 * manifest needs 140, which reads `data_collection_permissions` (web-ext lint warns below it), and
 * 140 is the oldest ESR still supported.
 */
export const GECKO_MIN_VERSION = '140.0';

type Manifest = Record<string, unknown> & {
  background?: { service_worker?: string; type?: string; scripts?: string[] };
};

export function firefoxManifest(chrome: Manifest): Manifest {
  const {
    key: _key,
    minimum_chrome_version: _minChrome,
    storage: _storage,
    background,
    ...rest
  } = structuredClone(chrome);
  const script = background?.service_worker;
  if (!script)
    throw new Error('the Chrome manifest has no background.service_worker to turn into an event page');
  return {
    ...rest,
    // An event page from the same module crxjs built as the worker's loader.
    background: { scripts: [script], ...(background.type ? { type: background.type } : {}) },
    // Firefox's default MV3 page CSP adds upgrade-insecure-requests, which turns a ws:// relay URL into
    // wss:// and closes the socket (1015): a LAN relay on plain HTTP would never pop anything.
    content_security_policy: { extension_pages: "script-src 'self'" },
    // Firefox reads managed storage from its own places (policies.json "3rdparty", or the native
    // manifest ~/.mozilla/managed-storage/<id>.json); it has no storage.managed_schema key.
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: GECKO_MIN_VERSION,
        // Call data goes only to the relay and CRM the admin configured, never to us.
        data_collection_permissions: { required: ['none'] },
      },
    },
  };
}
