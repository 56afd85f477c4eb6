// Typed request/response to the service worker, for the popup and options pages.

import type { Envelope, MessageName, Request, Response } from '../messages.ts';
import browser from '../platform/browser.ts';

export async function send<K extends MessageName>(type: K, payload: Request<K>): Promise<Response<K>> {
  const envelope: Envelope<K> = { type, payload };
  return (await browser.runtime.sendMessage(envelope)) as Response<K>;
}

export { t } from '../platform/i18n.ts';
