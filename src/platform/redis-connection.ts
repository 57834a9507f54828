import { Redis, type RedisOptions } from 'ioredis';

import type { Logger } from './logger.js';

/** Options for {@link createRedis}. */
export interface RedisConnectionOptions {
  /**
   * BullMQ workers and blocking readers need `maxRetriesPerRequest: null`; request paths that
   * must fail fast (a chat command while Redis is down) leave it at the default.
   */
  blocking?: boolean;
  /** Name shown in `CLIENT LIST`, handy when several roles share one Redis. */
  name?: string;
  /** Where connection errors go; at most one line per connection every 10 s. */
  logger?: Logger;
}

/** Opens an ioredis connection for the given URL. */
export function createRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name,
    lazyConnect: false,
    enableReadyCheck: true,
  };
  if (options.blocking === true) {
    redisOptions.maxRetriesPerRequest = null;
  } else {
    // Fail a command quickly rather than queue it forever while Redis is away.
    redisOptions.maxRetriesPerRequest = 1;
    redisOptions.enableOfflineQueue = false;
  }
  const redis = new Redis(url, redisOptions);

  // Without a listener ioredis prints a stack trace per reconnect attempt.
  let lastLogged = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    options.logger?.warn(
      { err: { message: error.message }, connection: options.name },
      'Redis connection error; reconnecting',
    );
  });
  return redis;
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
