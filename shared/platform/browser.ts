// The only module that touches the WebExtension global. Chrome >= 148 and Firefox have `browser`
// natively; the polyfill covers Chrome 116-147 and returns the native object where there is one.
import browser from 'webextension-polyfill';

export type Browser = typeof browser;
export default browser;
