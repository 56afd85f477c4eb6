// Connection caps and early closes, so an unauthenticated client cannot tie the relay up: open TCP
// connections are capped in all and per peer address, and a request refused before its body was
// read (401, 403, 413, 429) closes its connection instead of reading a slow body to the end.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Limits } from './limits.ts';

/** Statuses answered before the body is read: the connection is not kept for another request. */
const CLOSE_AFTER = new Set([401, 403, 413, 429]);

export function capConnections(
  app: FastifyInstance,
  limits: Pick<Limits, 'maxConnections' | 'maxConnectionsPerAddress'>,
): void {
  const server = app.server;
  // Node closes sockets beyond this as soon as they are accepted.
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = peer(socket);
    const mine = (open.get(address) ?? 0) + 1;
    if (mine > limits.maxConnectionsPerAddress) {
      app.log.warn({ address, open: mine - 1 }, 'connection refused: too many from this address');
      socket.destroy();
      return;
    }
    open.set(address, mine);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });

  app.addHook('onSend', async (request, reply) => {
    if (CLOSE_AFTER.has(reply.statusCode) && !request.raw.complete) reply.header('Connection', 'close');
  });
}

function peer(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
