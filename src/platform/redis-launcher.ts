import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import type { Logger } from './logger.js';

/** Options for {@link ensureRedis}. */
export interface EnsureRedisOptions {
  url: string;
  home: string;
  logger: Logger;
}

/**
 * SPEC: when nothing answers at REDIS_URL and `redis-server` is on the PATH, start one under
 * SHIPMATE_HOME. Only for a loopback URL: starting a server cannot help a remote address.
 * Resolves to a stop function for a server it started, or undefined.
 */
export async function ensureRedis(options: EnsureRedisOptions): Promise<(() => void) | undefined> {
  const url = new URL(options.url);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  if (await answers(host, port)) return undefined;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return undefined;

  const dir = path.join(options.home, 'redis');
  await mkdir(dir, { recursive: true });

  // AOF on: the registry and the queues are the product's state (DESIGN: "run it with AOF").
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes'],
    { stdio: 'ignore', detached: false },
  );
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!spawned) return undefined;

  for (let i = 0; i < 50 && !(await answers(host, port)); i += 1) {
    await new Promise((r) => setTimeout(r, 100));
  }
  options.logger.info({ port, dir }, 'started redis-server because nothing answered at REDIS_URL');
  return () => child.kill('SIGTERM');
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
