import dns from 'node:dns';
import { lookup as namedLookup } from 'node:dns';
import { createServer, Socket, connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Imports only the error class: the guard itself must come from vitest.config.ts's setupFiles.
import { LoopbackOnlyError } from './loopback-only-error.js';

let server: Server;
let port: number;

beforeAll(async () => {
  // Without the guard these tests would really reach out; stop before any of them runs.
  if (!guardInstalled()) {
    throw new Error('loopback-only is not installed: check setupFiles in vitest.config.ts');
  }

  server = createServer((socket) => socket.end('hello\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function guardInstalled(): boolean {
  const marker = Symbol.for('shipmate.loopbackOnly');
  return (Socket.prototype as unknown as Record<symbol, unknown>)[marker] === true;
}

async function greeting(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

describe('loopback-only', () => {
  it('is installed for every test file by the vitest config', () => {
    expect(guardInstalled()).toBe(true);
  });

  it('refuses a TCP connection to 10.0.0.1 before the socket starts connecting', () => {
    const socket = new Socket();

    expect(() => socket.connect({ host: '10.0.0.1', port: 80 })).toThrow(LoopbackOnlyError);
    expect(() => socket.connect(80, '10.0.0.1')).toThrow(
      /refused a TCP connection.* to 10\.0\.0\.1/,
    );
    expect(socket.connecting).toBe(false);
    expect(socket.remoteAddress).toBeUndefined();
  });

  it('refuses net.connect, http and fetch to other hosts, naming the host', async () => {
    expect(() => connect(443, 'slack.com')).toThrow(/to slack\.com/);
    expect(() => request('http://10.0.0.1/')).toThrow(/to 10\.0\.0\.1/);
    const failure = (await fetch('http://10.0.0.1:8080/').catch((error: unknown) => error)) as {
      cause?: unknown;
    };
    expect(failure.cause).toBeInstanceOf(LoopbackOnlyError);
    expect(failure.cause).toMatchObject({ code: 'ERR_LOOPBACK_ONLY', host: '10.0.0.1' });
  });

  it('allows connections to 127.0.0.1 and localhost', async () => {
    expect(await greeting(connect(port, '127.0.0.1'))).toBe('hello\n');
    expect(await greeting(connect({ port, host: 'localhost', family: 4 }))).toBe('hello\n');
  });

  it('allows Unix sockets', async () => {
    const socket = connect('/nonexistent/shipmate.sock');

    await expect(greeting(socket)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses DNS lookups of other hosts and allows localhost', async () => {
    expect(() => dns.lookup('example.com', () => undefined)).toThrow(/DNS lookup to example\.com/);
    expect(() => namedLookup('example.com', () => undefined)).toThrow(LoopbackOnlyError);
    await expect(dns.promises.lookup('management.azure.com')).rejects.toThrow(LoopbackOnlyError);
    const local = await dns.promises.lookup('localhost', { family: 4 });
    expect(local.address).toBe('127.0.0.1');
  });
});
