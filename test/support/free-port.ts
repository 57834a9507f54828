import { createServer } from 'node:net';

/**
 * Finds a TCP port on 127.0.0.1 that is free right now.
 *
 * The port is only reserved while this function runs: another process may take it before the
 * caller binds it, so callers that spawn servers should retry once on "address in use".
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();

    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: the probe server has no TCP address'));
        return;
      }

      server.close((error) => {
        if (error) reject(error);
        else resolve(address.port);
      });
    });
  });
}
