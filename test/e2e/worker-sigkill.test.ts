import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { modelProcesses } from '../support/model-processes.js';
import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { say, startSay } from '../support/say.js';
import { waitFor } from '../support/wait-for.js';

const fixtures = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

describe('a worker killed in the middle of a deploy', () => {
  let redis: RedisServer;
  let gateway: Product;
  const workers: Product[] = [];

  const startWorker = async (): Promise<Product> => {
    const worker = await startProduct({
      redisUrl: redis.url,
      role: 'worker',
      home: gateway.home,
      env: { SHIPMATE_MODELS: fixtures, SHIPMATE_JOB_LOCK_MS: '2000' },
    });
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    redis = await startRedis();
    // The gateway role runs the local target's processes; the slow model takes 4 s to init,
    // which leaves time to kill the worker while it waits for readiness.
    gateway = await startProduct({
      redisUrl: redis.url,
      role: 'gateway',
      env: { SHIPMATE_MODELS: fixtures, SLOW_INIT_SECONDS: '4' },
    });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await gateway?.stop();
    await redis?.stop();
  });

  it('finishes once after a new worker starts, leaving exactly one service', async () => {
    const first = await startWorker();
    const deploy = startSay('deploy slow-init:1 --name slowpoke --replicas 1', gateway.env);

    await waitFor(() => deploy.output().includes('wait until ready'), {
      what: 'the deploy to reach the readiness wait',
      timeoutMs: 20_000,
    });
    first.kill('SIGKILL');
    await first.exited;

    await startWorker();
    const result = await deploy.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.match(/— succeeded/g)).toHaveLength(1);

    const jobId = /job ([a-z0-9]+)/.exec(result.stdout)?.[1] ?? '';
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('jobs', { connection, prefix: '{shipmate}' });
    try {
      const job = await queue.getJob(jobId);
      expect(await job?.getState()).toBe('completed');
      // It really ran twice: once in the killed worker, once after it.
      expect(job?.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(await queue.getCompletedCount()).toBe(1);
      expect(await queue.getFailedCount()).toBe(0);
    } finally {
      await queue.close();
      await connection.quit();
    }

    const services = await say('service list', gateway.env);
    expect(services.stdout).toContain('1 service(s)');
    expect(services.stdout).toContain('`slowpoke` — ready');
    expect(await modelProcesses(path.join(fixtures, 'slow-init'))).toHaveLength(1);

    const keys = await say('keys show slowpoke', gateway.env);
    const primary = /primary: `([^`]+)`/.exec(keys.stdout)?.[1] ?? '';
    const scored = await fetch(`${gateway.gatewayUrl}/api/v1/service/slowpoke/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${primary}` },
      body: '{}',
    });
    expect(scored.status).toBe(200);
  });
});
