// Routes typed messages from the extension's own pages to their handlers. Anything else (web
// pages, other extensions, content scripts) is refused: the handlers can change settings.
import type { Envelope, MessageMap, MessageName, Request, Response } from '../shared/messages.ts';

export type Handlers = { [K in MessageName]: (payload: Request<K>) => Promise<Response<K>> };

export interface SenderLike {
  id?: string;
  url?: string;
}

export function isOwnPage(sender: SenderLike, extensionId: string, extensionOrigin: string): boolean {
  return (
    sender.id === extensionId && typeof sender.url === 'string' && sender.url.startsWith(extensionOrigin)
  );
}

export function dispatch(handlers: Handlers, message: unknown): Promise<unknown> | undefined {
  const envelope = message as Partial<Envelope>;
  if (!envelope || typeof envelope.type !== 'string' || !Object.hasOwn(handlers, envelope.type))
    return undefined;
  const handler = handlers[envelope.type as keyof MessageMap] as (payload: unknown) => Promise<unknown>;
  return handler(envelope.payload);
}
