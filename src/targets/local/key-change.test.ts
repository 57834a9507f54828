import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startRedis, type RedisServer } from '../../../test/support/redis-server.js';
import { announceKeyChange, confirmKeyChange } from './key-change.js';
import { localKeys } from './local-state.js';

describe('announcing a key change to the gateway', () => {
  let server: RedisServer;
  let redis: Redis;
  let subscriber: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    subscriber = new Redis(server.url);
  });

  afterAll(async () => {
    subscriber?.disconnect();
    redis?.disconnect();
    await server?.stop();
  });

  beforeEach(async () => {
    await redis.flushall();
  });

  it('resolves once the gateway has dropped its cached keys, not before', async () => {
    await redis.set(localKeys.heartbeat, 'gateway', 'EX', 10);
    const events: string[] = [];
    await subscriber.subscribe(localKeys.keyChanges);
    subscriber.on('message', (_channel: string, service: string) => {
      // A slow gateway: the announcement must wait for it.
      setTimeout(() => {
        void confirmKeyChange(redis, service, () => events.push(`dropped ${service}`));
      }, 300);
    });

    await announceKeyChange('diabetes', { redis, timeoutMs: 5_000 });
    events.push('announced');

    expect(events).toEqual(['dropped diabetes', 'announced']);
    await subscriber.unsubscribe();
    subscriber.removeAllListeners('message');
  });

  it('does not wait when no gateway runs: nothing holds the old keys', async () => {
    const started = Date.now();
    await announceKeyChange('diabetes', { redis, timeoutMs: 5_000 });

    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('waits out the timeout when a running gateway never confirms (a lost message)', async () => {
    await redis.set(localKeys.heartbeat, 'gateway', 'EX', 10);
    const started = Date.now();

    await announceKeyChange('diabetes', { redis, timeoutMs: 400 });

    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('never lowers a confirmed generation when confirmations arrive out of order', async () => {
    await redis.hset(localKeys.keyGenerations, 'diabetes', '5');
    await confirmKeyChange(redis, 'diabetes', () => undefined);
    await redis.hset(localKeys.keyGenerations, 'diabetes', '3');
    await confirmKeyChange(redis, 'diabetes', () => undefined);

    expect(await redis.hget(localKeys.keysSeen, 'diabetes')).toBe('5');
  });
});
