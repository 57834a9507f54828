import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { freePort } from './free-port.js';

describe('freePort', () => {
  it('returns a port that a server can then bind on 127.0.0.1', async () => {
    const port = await freePort();

    expect(port).toBeGreaterThan(1024);
    expect(port).toBeLessThan(65536);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject).listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
