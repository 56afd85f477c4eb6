// Typed request/response to the service worker, for the popup and options pages.
import browser from './browser.ts';
import type { Envelope, MessageName, Request, Response } from './messages.ts';

export async function send<K extends MessageName>(type: K, payload: Request<K>): Promise<Response<K>> {
  const envelope: Envelope<K> = { type, payload };
  return (await browser.runtime.sendMessage(envelope)) as Response<K>;
}

/** A `_locales` string; falls back to the key so a missing translation is visible, not blank. */
export function t(key: string, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}
