import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, expect, it, vi } from 'vitest';

import { rolloutsWithoutApproval, writePolicyFile } from '../support/policy-file.js';
import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { killStraySays, makeModelsDir, say } from './e2e-support.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

let redis: RedisServer | undefined;
let product: Product | undefined;
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'shipmate-e2e-rollout-'));
  redis = await startRedis();
  product = await startProduct({
    redisUrl: redis.url,
    env: {
      SHIPMATE_MODELS: await makeModelsDir(scratch),
      SHIPMATE_POLICY: await writePolicyFile(rolloutsWithoutApproval),
    },
  });
});

afterAll(async () => {
  killStraySays();
  await product?.stop();
  await redis?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** What a steady client saw: every answer's status, serving version and model version. */
interface Stream {
  answers: Array<{ status: number; version: string | null; model: number | undefined }>;
  failures: string[];
  stop(): Promise<void>;
}

/**
 * Six clients scoring back to back until stopped. Each request takes 30 ms in the model, so
 * some are always in flight when a replica is retired.
 */
function steadyStream(running: Product): Stream {
  const stream: Stream = { answers: [], failures: [], stop: () => Promise.resolve() };
  let stopped = false;
  const client = async () => {
    while (!stopped) {
      try {
        const response = await fetch(`${running.gatewayUrl}/api/v1/service/churn/score`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ delayMs: 30 }),
        });
        const text = await response.text();
        const version = response.headers.get('azureml-model-deployment');
        const model = response.ok ? (JSON.parse(text) as { version: number }).version : undefined;
        stream.answers.push({ status: response.status, version, model });
        if (!response.ok) stream.failures.push(`${response.status} ${version} ${text}`);
      } catch (error) {
        stream.failures.push(String(error));
      }
    }
  };
  const clients = Array.from({ length: 6 }, client);
  stream.stop = async () => {
    stopped = true;
    await Promise.all(clients);
  };
  return stream;
}

it('fails no scoring request through updates, a version add, traffic shifts, a delete and a rollback', async () => {
  const running = product;
  if (running === undefined) throw new Error('no product');
  const run = async (text: string) => {
    const result = await say(running, text);
    expect(result.output, text).toContain('succeeded');
    expect(result.code, text).toBe(0);
  };

  await run('deploy versioned:1 --name churn --replicas 2 --auth none');
  const stream = steadyStream(running);
  const mark = () => stream.answers.length;
  await new Promise((resolve) => setTimeout(resolve, 300));

  // One version only, and model 2 takes 1.5 s to start: the old replicas must serve until the
  // new ones are ready, or requests fail.
  const beforeUpdate = mark();
  await run('service update churn --model versioned:2 --replicas 1');
  const afterUpdate = mark();
  await run('endpoint version add churn canary --model versioned:1 --traffic 20');
  await run('traffic churn canary=50');
  const canaryAt = mark();
  await run('traffic churn canary=0');
  await run('endpoint version delete churn canary');

  // An update to a model that cannot start fails and is rolled back; the old replicas serve on.
  const broken = await say(running, 'service update churn --model crash-init:1');
  expect(broken.code).toBe(1);
  expect(broken.output).toContain('keeps failing to start');
  expect((await say(running, 'service show churn')).stdout).toContain('rolled back');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await stream.stop();

  expect(stream.failures).toEqual([]);
  expect(stream.answers.length).toBeGreaterThan(100);

  const served = (from: number, to: number) => stream.answers.slice(from, to);
  // Model 1 served until the update switched over; after it, model 2 did.
  expect(served(0, beforeUpdate).every((a) => a.model === 1)).toBe(true);
  expect(served(afterUpdate, canaryAt).some((a) => a.model === 2)).toBe(true);
  // The canary took its share while it had one, and the default served what was left at the end.
  expect(served(afterUpdate, canaryAt).some((a) => a.version === 'canary')).toBe(true);
  expect(stream.answers.at(-1)?.version).toBe('versioned-1');
  expect(stream.answers.at(-1)?.model).toBe(2);
});
