// The extension's service worker fetches the relay cross-origin and has no host permission for it,
// so the relay must allow it by CORS. Only extension origins are reflected (never `*`): a web page
// in the agent's browser must not read the contact list even if it somehow holds a token.
import type { FastifyReply, FastifyRequest } from 'fastify';

const EXTENSION_ORIGIN_RE = /^(chrome-extension|moz-extension):\/\/[A-Za-z0-9-]{1,64}$/;

/** The request's Origin when it is a browser extension's, else null. */
export function extensionOrigin(origin: string | undefined): string | null {
  return origin && EXTENSION_ORIGIN_RE.test(origin) ? origin : null;
}

/** onRequest hook: allow extension origins to read this response (errors included, so they see a 401). */
export async function cors(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('Vary', 'Origin');
  const origin = extensionOrigin(request.headers.origin);
  if (origin) reply.header('Access-Control-Allow-Origin', origin);
}

/** A preflight handler allowing extension origins the given methods and request headers. */
export function preflightFor(methods: string, headers: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    await cors(request, reply);
    if (extensionOrigin(request.headers.origin)) {
      reply.header('Access-Control-Allow-Methods', methods);
      reply.header('Access-Control-Allow-Headers', headers);
      reply.header('Access-Control-Max-Age', '600');
    }
    return reply.code(204).send();
  };
}

/** Answers the preflight a fetch with an Authorization header triggers. */
export const preflight = preflightFor('GET, OPTIONS', 'Authorization');
