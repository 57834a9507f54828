import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { diabetesRows, keysOf, killStraySays, say, score } from './e2e-support.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

let redis: RedisServer | undefined;
let product: Product;

beforeAll(async () => {
  redis = await startRedis();
  product = await startProduct({ redisUrl: redis.url });
});

afterAll(async () => {
  killStraySays();
  await product?.stop();
  await redis?.stop();
});

it('gives a service deployed after Redis lost its data new keys, not the old ones', async () => {
  expect((await say(product, 'deploy diabetes:1 --name diabetes')).code).toBe(0);
  const before = keysOf((await say(product, 'keys show diabetes')).stdout);

  // Redis without persistence restarted, or wiped: the registry is gone, the key files are not.
  const client = new Redis(redis?.url ?? '');
  await client.flushall();
  await client.quit();
  expect((await say(product, 'service list')).stdout).toContain('No services yet');

  const again = await say(product, 'deploy diabetes:1 --name diabetes');
  expect(again.output).toContain('succeeded');
  const after = keysOf((await say(product, 'keys show diabetes')).stdout);

  expect(after.primary).not.toBe(before.primary);
  expect(after.secondary).not.toBe(before.secondary);
  const rows = { data: diabetesRows };
  expect((await score(product, 'diabetes', rows, { key: before.primary })).status).toBe(401);
  expect((await score(product, 'diabetes', rows, { key: after.primary })).status).toBe(200);
});
