import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { JobProducer } from '../../src/queue/job-producer.js';
import type { DeployJob } from '../../src/queue/job-schemas.js';
import type { ServiceRecord } from '../../src/registry/service-record.js';
import { ServiceStore } from '../../src/registry/service-store.js';
import { withResourceLock } from '../../src/workers/resource-lock.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const version = {
  name: 'diabetes-1',
  models: [{ name: 'diabetes', version: '1' }],
  cpu: 0.1,
  memoryGb: 0.5,
  scale: { mode: 'fixed' as const, replicas: 1 },
  scoringTimeoutMs: 60_000,
  isDefault: true,
};

const record = (jobId: string): ServiceRecord => ({
  name: 'diabetes',
  target: 'local',
  auth: 'key',
  versions: [version],
  state: 'deploying',
  createdBy: 'alice',
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  jobId,
});

describe('the registry and the queue on a real Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  let prefix = 0;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });
  beforeEach(() => {
    prefix += 1;
  });

  it('lets the same job claim a service name again but refuses another job', async () => {
    const store = new ServiceStore(redis, `t${prefix}`);
    await store.claim(record('job-a'));
    await store.claim(record('job-a'));
    await expect(store.claim(record('job-b'))).rejects.toMatchObject({ code: 'service_exists' });
    expect(await store.list()).toHaveLength(1);
  });

  it('applies concurrent updates without losing one', async () => {
    const store = new ServiceStore(redis, `t${prefix}`);
    await store.claim(record('job-a'));
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.update('diabetes', (s) => ({ ...s, createdBy: `${s.createdBy}+${i}` })),
      ),
    );
    const after = await store.get('diabetes');
    expect(after?.createdBy.split('+')).toHaveLength(9);
  });

  it('queues a repeated request once, under one job id', async () => {
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const queue = new Queue(`jobs-${prefix}`, { connection, prefix: '{test}' });
    const producer = new JobProducer({ queue });
    const job: DeployJob = {
      kind: 'deploy',
      origin: {
        platform: 'slack',
        userId: 'U1',
        userName: 'alice',
        channelId: 'C1',
        requestId: 'trigger-1',
        text: '/ml deploy diabetes:1 --name diabetes',
      },
      service: 'diabetes',
      target: 'local',
      auth: 'key',
      version,
    };
    try {
      const first = await producer.enqueue(job);
      const second = await producer.enqueue(job);
      expect(second).toBe(first);
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
      await expect(producer.enqueue({ ...job, service: 'Not A Name' })).rejects.toThrow();
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await queue.close();
      await connection.quit();
    }
  });

  it('runs work on one resource one at a time, in the order asked', async () => {
    const order: string[] = [];
    const work = (name: string, ms: number) =>
      withResourceLock({ redis, resource: `svc-${prefix}`, ttlMs: 2_000 }, async () => {
        order.push(`${name} start`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`${name} end`);
      });
    await Promise.all([work('a', 150), work('b', 10)]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end']);
  });
});
