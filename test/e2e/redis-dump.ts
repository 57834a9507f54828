import { Redis } from 'ioredis';

/**
 * Every key in a Redis and its whole value, whatever its type, as `key → text`: job data and
 * return values (hashes), events (streams), queues (lists, sorted sets), registry and audit.
 */
export async function dumpRedis(url: string): Promise<Map<string, string>> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const dump = new Map<string, string>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) dump.set(key, await valueOf(redis, key));
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return dump;
}

async function valueOf(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      // A type this dump cannot read must fail the scan, not slip through it.
      throw new Error(`Redis key ${key} has type ${type}, which the dump does not read`);
  }
}
