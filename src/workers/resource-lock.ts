import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import { leaveLine, lineKey } from '../queue/resource-line.js';

/**
 * Takes the lock only for the job at the head of the resource's line. Returns 1 when taken,
 * 0 when this job is first but the lock is still held (an earlier attempt's lock running
 * out), or the id of the job ahead.
 */
const acquireScript = `
redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[3])
local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
if head ~= ARGV[3] then return head end
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
return 0
`;
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** Where the job ahead stands. */
export type Standing = 'running' | 'waiting' | 'gone';

/** A job's place in the line of jobs for one resource (see queue/resource-line.ts). */
export interface LockTicket {
  /** The job id. */
  id: string;
  /** When the job was asked for: the line is ordered by it. */
  askedAt: number;
  /** Where a job ahead stands: running, waiting for a worker or a retry, or ended. */
  standing: (id: string) => Promise<Standing>;
  /**
   * Called while the job ahead waits for a worker: this job should give its worker slot up
   * (and come back later) rather than hold a slot the job ahead may need. May throw.
   */
  yieldSlot: () => Promise<void>;
}

/** Options for {@link withResourceLock}. */
export interface ResourceLockOptions {
  redis: Redis;
  /** e.g. `service:diabetes`. */
  resource: string;
  /** Without a ticket, whoever asks first after a release gets the lock. */
  ticket?: LockTicket;
  ttlMs?: number;
  /** How long to wait for other jobs on the same resource to finish. */
  waitMs?: number;
  /** Called once if another job is ahead, before waiting for it. */
  onWait?: () => Promise<void>;
  pollMs?: number;
}

/**
 * Runs `work` while holding a Redis lock on the resource, so jobs on one service or cluster
 * never interleave (DESIGN "Jobs are safe to replay"), and with a ticket in the order they
 * were asked for: two traffic shifts run in the order they were typed. The lock expires on
 * its own if the worker dies, and is renewed while the work runs. A job keeps its place in
 * line until it ends for good, so a retry waiting out its backoff is not overtaken; call
 * {@link leaveLine} when a job has failed for the last time.
 */
export async function withResourceLock<T>(
  options: ResourceLockOptions,
  work: () => Promise<T>,
): Promise<T> {
  const { redis, ticket } = options;
  // Hash tags keep the lock and its line in one slot of a Redis Cluster, as the script needs.
  const key = `shipmate:lock:{${options.resource}}`;
  const token = randomUUID();
  const ttlMs = options.ttlMs ?? 30_000;
  const deadline = Date.now() + (options.waitMs ?? 30 * 60_000);

  let waited = false;
  for (;;) {
    const answer = await tryAcquire(options, key, token, ttlMs);
    if (answer === 1) break;

    if (!waited) await options.onWait?.();
    waited = true;
    if (typeof answer === 'string' && ticket !== undefined) {
      const ahead = await ticket.standing(answer);
      if (ahead === 'gone') {
        await leaveLine(redis, options.resource, answer);
        continue;
      }
      if (ahead === 'waiting') await ticket.yieldSlot();
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for the lock on ${options.resource}`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }

  const renew = setInterval(() => {
    void redis.eval(renewScript, 1, key, token, String(ttlMs)).catch(() => undefined);
  }, ttlMs / 3);
  try {
    const result = await work();
    if (ticket) await leaveLine(redis, options.resource, ticket.id);
    return result;
  } finally {
    clearInterval(renew);
    await redis.eval(releaseScript, 1, key, token).catch(() => undefined);
  }
}

async function tryAcquire(
  options: ResourceLockOptions,
  key: string,
  token: string,
  ttlMs: number,
): Promise<number | string> {
  const { redis, ticket } = options;
  if (ticket === undefined) {
    return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK' ? 1 : 0;
  }
  // Joining again is a no-op for a job the producer put in line; it covers older jobs.
  return (await redis.eval(
    acquireScript,
    2,
    key,
    lineKey(options.resource),
    token,
    String(ttlMs),
    ticket.id,
    String(ticket.askedAt),
  )) as number | string;
}
