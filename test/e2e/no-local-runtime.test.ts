import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { say } from '../support/say.js';

describe('a deploy with workers but no local runtime', () => {
  let redis: RedisServer;
  let worker: Product;

  beforeAll(async () => {
    redis = await startRedis();
    worker = await startProduct({ redisUrl: redis.url, role: 'worker' });
  });

  afterAll(async () => {
    await worker?.stop();
    await redis?.stop();
  });

  it('fails saying no local runtime is running, instead of waiting for minutes', async () => {
    const started = Date.now();
    const result = await say('deploy diabetes:1 --name lonely', worker.env);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/— failed/);
    expect(result.stdout).toContain('No local runtime is running');
    expect(result.stdout).toContain('step: wait until ready');
    expect(Date.now() - started).toBeLessThan(45_000);
  }, 60_000);
});

describe('a local runtime without the Python it is told to use', () => {
  it('stops start-up naming SHIPMATE_PYTHON, before any deploy can fail on it', async () => {
    const redis = await startRedis();
    try {
      await expect(
        startProduct({ redisUrl: redis.url, env: { SHIPMATE_PYTHON: '/nonexistent/python3' } }),
      ).rejects.toThrow(/SHIPMATE_PYTHON: expected a Python 3 that runs/);
    } finally {
      await redis.stop();
    }
  });
});
