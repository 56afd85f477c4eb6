// The only module that touches the WebExtension global. Chrome >= 148 and Firefox have `browser`
// natively; the polyfill covers Chrome 116-147 and returns the native object where there is one.
import browser from 'webextension-polyfill';

export type Browser = typeof browser;
export default browser;

/**
 * How this background runs: Chrome's MV3 service worker, or Firefox's event page (Firefox has no
 * background service worker). Only meaningful in the background; pages are neither.
 */
export function backgroundKind(): 'service-worker' | 'event-page' {
  const scope = (globalThis as { ServiceWorkerGlobalScope?: abstract new () => unknown })
    .ServiceWorkerGlobalScope;
  return scope && globalThis instanceof scope ? 'service-worker' : 'event-page';
}
