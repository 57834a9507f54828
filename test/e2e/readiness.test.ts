import { afterAll, beforeAll, expect, it } from 'vitest';

import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

let redis: RedisServer;
let product: Product;

beforeAll(async () => {
  redis = await startRedis();
  product = await startProduct({ redisUrl: redis.url });
});

afterAll(async () => {
  // Never leave the server stopped: stop() could not end it.
  process.kill(redis.pid, 'SIGCONT');
  await product?.stop();
  await redis?.stop();
});

const readyz = async () => {
  const started = Date.now();
  const response = await fetch(`${product.ingressUrl}/readyz`);
  return { status: response.status, body: await response.json(), ms: Date.now() - started };
};

it('answers /readyz 200 while Redis and a worker are there', async () => {
  const ready = await readyz();
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ready', problems: [] });
});

it('answers /readyz 503 within seconds when Redis hangs instead of failing', async () => {
  process.kill(redis.pid, 'SIGSTOP');
  try {
    const hung = await readyz();
    expect(hung.status).toBe(503);
    expect(hung.body).toEqual({ status: 'not ready', problems: ['Redis is not reachable'] });
    // A probe that waits forever looks like a dead process to whoever asks.
    expect(hung.ms).toBeLessThan(5_000);
  } finally {
    process.kill(redis.pid, 'SIGCONT');
  }
});
