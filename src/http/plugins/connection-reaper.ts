/**
 * Makes close() quick: Node's server.close() waits for every connection, and closeIdleConnections()
 * (what Fastify calls) skips connections that never carried a request — the spare connections browsers
 * and fetch clients open ahead of time. Once closing starts, this ends every connection with no request
 * in flight, and each other one as soon as its response is done. Streams were drained before (preClose
 * of the signal core, registered earlier, runs first).
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const connectionReaperPlugin = fp(
  async (app: FastifyInstance) => {
    const inFlight = new Map<Socket, number>();
    let closing = false;

    const release = (socket: Socket) => {
      // The response has been handed to the OS: end politely, and make sure it goes.
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    };

    app.server.on('connection', (socket: Socket) => {
      if (closing) {
        socket.destroy();
        return;
      }
      inFlight.set(socket, 0);
      socket.once('close', () => inFlight.delete(socket));
    });
    app.server.on('request', (request, response) => {
      const socket = request.socket;
      inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
      response.once('close', () => {
        const left = (inFlight.get(socket) ?? 1) - 1;
        inFlight.set(socket, left);
        if (closing && left <= 0) release(socket);
      });
    });

    app.addHook('preClose', async () => {
      closing = true;
      for (const [socket, count] of inFlight) if (count <= 0) socket.destroy();
    });
  },
  { name: 'tpc-connection-reaper', fastify: '5.x', dependencies: ['tpc-signal-core'] },
);
