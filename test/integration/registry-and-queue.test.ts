import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { JobProducer } from '../../src/queue/job-producer.js';
import type { DeployJob } from '../../src/queue/job-schemas.js';
import type { ServiceRecord } from '../../src/registry/service-record.js';
import { ServiceStore } from '../../src/registry/service-store.js';
import { joinLine, leaveLine } from '../../src/queue/resource-line.js';
import { withResourceLock, type Standing } from '../../src/workers/resource-lock.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { versionSpec } from '../support/version-spec.js';

const version = versionSpec('diabetes-1', { isDefault: true });

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
    const producer = new JobProducer({ queue, redis });
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

  it('runs jobs in the order they were queued, whichever reaches the lock first', async () => {
    const order: string[] = [];
    const resource = `svc-${prefix}`;
    const job = (id: string, askedAt: number) =>
      withResourceLock(
        {
          redis,
          resource,
          ttlMs: 2_000,
          pollMs: 10,
          ticket: {
            id,
            askedAt,
            standing: () => Promise.resolve<Standing>('running'),
            yieldSlot: () => Promise.resolve(),
          },
        },
        async () => {
          order.push(id);
          await new Promise((r) => setTimeout(r, 30));
        },
      );

    // Queued in this order; the job queued last reaches the lock first.
    for (const [id, at] of [
      ['first', 1],
      ['second', 2],
      ['third', 3],
    ] as const) {
      await joinLine(redis, resource, id, at);
    }
    const third = job('third', 3);
    await new Promise((r) => setTimeout(r, 50));
    const second = job('second', 2);
    await new Promise((r) => setTimeout(r, 50));
    const first = job('first', 1);
    await Promise.all([first, second, third]);

    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('waits behind a failed job until it ends for good, yielding while it waits', async () => {
    const resource = `svc-${prefix}`;
    const standings = new Map<string, Standing>([['retrying', 'waiting']]);
    let yields = 0;
    const ticket = (id: string, askedAt: number) => ({
      id,
      askedAt,
      standing: (ahead: string) => Promise.resolve(standings.get(ahead) ?? 'gone'),
      yieldSlot: () => {
        yields += 1;
        return Promise.resolve();
      },
    });
    const options = { redis, resource, ttlMs: 2_000, pollMs: 10 };

    // A job that failed but will be retried keeps its place: the next one waits.
    await expect(
      withResourceLock({ ...options, ticket: ticket('retrying', 1) }, () =>
        Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    let ran = false;
    const next = withResourceLock({ ...options, ticket: ticket('next', 2) }, () => {
      ran = true;
      return Promise.resolve();
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(ran).toBe(false);
    expect(yields).toBeGreaterThan(0);

    // Once the failed job has ended for good, its place no longer holds anyone up.
    standings.set('retrying', 'gone');
    await next;
    expect(ran).toBe(true);
    await leaveLine(redis, resource, 'next');
  });
});
