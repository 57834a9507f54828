import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on 127.0.0.1, with the port it got and a way to stop it. */
export interface LoopbackListener {
  port: number;
  /** Drops open connections and resolves once the server has closed; safe to call twice. */
  close(): Promise<void>;
}

/** Makes an http or https server listen on 127.0.0.1 on a port the kernel picks. */
export async function listenOnLoopback(server: Server): Promise<LoopbackListener> {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve).once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
