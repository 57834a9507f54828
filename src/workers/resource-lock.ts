import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** Options for {@link withResourceLock}. */
export interface ResourceLockOptions {
  redis: Redis;
  /** e.g. `service:diabetes`. */
  resource: string;
  ttlMs?: number;
  /** How long to wait for another job on the same resource to finish. */
  waitMs?: number;
  /** Called once if the lock is held by someone else, before waiting for it. */
  onWait?: () => Promise<void>;
}

/**
 * Runs `work` while holding a Redis lock on the resource, so jobs on one service or cluster
 * never interleave (DESIGN "Jobs are safe to replay"). The lock expires on its own if the
 * worker dies, and is renewed while the work runs.
 */
export async function withResourceLock<T>(
  options: ResourceLockOptions,
  work: () => Promise<T>,
): Promise<T> {
  const { redis } = options;
  const key = `shipmate:lock:${options.resource}`;
  const token = randomUUID();
  const ttlMs = options.ttlMs ?? 30_000;
  const deadline = Date.now() + (options.waitMs ?? 30 * 60_000);

  let waited = false;
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (!waited) await options.onWait?.();
    waited = true;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for the lock on ${options.resource}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const renew = setInterval(() => {
    void redis.eval(renewScript, 1, key, token, String(ttlMs)).catch(() => undefined);
  }, ttlMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await redis.eval(releaseScript, 1, key, token).catch(() => undefined);
  }
}
