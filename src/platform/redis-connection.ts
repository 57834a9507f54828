import { Redis, type RedisOptions } from 'ioredis';

/** Options for {@link createRedis}. */
export interface RedisConnectionOptions {
  /**
   * BullMQ workers and blocking readers need `maxRetriesPerRequest: null`; request paths that
   * must fail fast (a chat command while Redis is down) leave it at the default.
   */
  blocking?: boolean;
  /** Name shown in `CLIENT LIST`, handy when several roles share one Redis. */
  name?: string;
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
  return new Redis(url, redisOptions);
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
