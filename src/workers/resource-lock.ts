import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

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

/** A job's place in the line of jobs waiting for one resource. */
export interface LockTicket {
  /** The job id. */
  id: string;
  /** When the job was asked for: the line is ordered by it. */
  order: number;
  /** False once the job can never run again (finished, removed): its place is then dropped. */
  isLive: (id: string) => Promise<boolean>;
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
  const { redis } = options;
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
    if (typeof answer === 'string' && !(await (options.ticket?.isLive(answer) ?? true))) {
      await leaveLine(redis, options.resource, answer);
      continue;
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
    if (options.ticket) await leaveLine(redis, options.resource, options.ticket.id);
    return result;
  } finally {
    clearInterval(renew);
    await redis.eval(releaseScript, 1, key, token).catch(() => undefined);
  }
}

/** Gives up a job's place in the resource's line: it has ended and will not run again. */
export async function leaveLine(redis: Redis, resource: string, id: string): Promise<void> {
  await redis.zrem(lineKey(resource), id);
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
  const answer = (await redis.eval(
    acquireScript,
    2,
    key,
    lineKey(options.resource),
    token,
    String(ttlMs),
    ticket.id,
    String(ticket.order),
  )) as number | string;
  return answer;
}

function lineKey(resource: string): string {
  return `shipmate:lock-line:{${resource}}`;
}
