import type { Redis } from 'ioredis';

import { localKeys } from './local-state.js';

/** Options for {@link announceKeyChange}. */
export interface AnnounceKeyChangeOptions {
  redis: Redis;
  /**
   * How long to wait for the gateway's confirmation. Past the gateway key cache's lifetime
   * (2 s) an unconfirmed change has taken effect anyway, so this must be longer than that.
   */
  timeoutMs: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Tells the gateway that a service's keys changed on disk and resolves once it can no longer
 * accept the old ones: when it confirms it dropped its cached keys, when no gateway runs (none
 * holds them), or when its cache lifetime has passed without a confirmation (a lost message).
 */
export async function announceKeyChange(
  service: string,
  options: AnnounceKeyChangeOptions,
): Promise<void> {
  const { redis } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const started = Date.now();

  // The counter is bumped after the file is written: any generation the gateway reads names
  // a file that is already on disk.
  const generation = await redis.hincrby(localKeys.keyGenerations, service, 1);
  await redis.publish(localKeys.keyChanges, service);

  while (Date.now() - started < options.timeoutMs) {
    const seen = Number((await redis.hget(localKeys.keysSeen, service)) ?? 0);
    if (seen >= generation) return;
    if ((await redis.exists(localKeys.heartbeat)) === 0) return;
    await sleep(options.pollMs ?? 20);
  }
}

const raiseScript = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
`;

/**
 * The gateway's side: reads the announced generation, drops cached keys (`invalidate` must
 * do so before it returns), then confirms that generation. Reading first matters: what is
 * confirmed was on disk before the cache let go of the old keys.
 */
export async function confirmKeyChange(
  redis: Redis,
  service: string,
  invalidate: () => void,
): Promise<void> {
  const generation = (await redis.hget(localKeys.keyGenerations, service)) ?? '0';
  invalidate();
  await redis.eval(raiseScript, 1, localKeys.keysSeen, service, generation);
}
