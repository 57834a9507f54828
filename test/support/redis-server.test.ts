import { connect } from 'node:net';

import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

import { startRedis, type RedisServer } from './redis-server.js';

const started: RedisServer[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

async function start(): Promise<RedisServer> {
  const server = await startRedis();
  started.push(server);
  return server;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('startRedis', () => {
  it('starts a private Redis without persistence that stop() ends', async () => {
    const server = await start();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });

    try {
      expect(server.port).not.toBe(6379);
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      await redis.set('shipmate:probe', 'yes');
      expect(await redis.get('shipmate:probe')).toBe('yes');
      expect(await redis.config('GET', 'save')).toEqual(['save', '']);
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    } finally {
      redis.disconnect();
    }

    await server.stop();

    expect(isAlive(server.pid)).toBe(false);
    expect(await refusesConnections(server.port)).toBe(true);
  });

  it('gives each caller its own server', async () => {
    const [first, second] = await Promise.all([start(), start()]);
    const a = new Redis(first.url);
    const b = new Redis(second.url);

    try {
      expect(first.port).not.toBe(second.port);
      await a.set('owner', 'first');
      expect(await b.get('owner')).toBeNull();
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('fails with the cause when redis-server cannot start', async () => {
    const failure = startRedis({ binary: '/nonexistent/redis-server' });

    await expect(failure).rejects.toThrow(/no redis-server started after 3 attempts/);
    await expect(failure).rejects.toMatchObject({ cause: { code: 'ENOENT' } });
  });

  it('lets stop() be called twice', async () => {
    const server = await start();

    await server.stop();
    await server.stop();

    expect(isAlive(server.pid)).toBe(false);
  });
});
