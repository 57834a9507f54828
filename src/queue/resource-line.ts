import type { Redis } from 'ioredis';

/**
 * The line of jobs waiting for one resource (a service, a cluster), ordered by when each was
 * asked for. A job joins when it is queued, so a job asked for later can never overtake it,
 * whichever worker picks which job first; it leaves when it has ended for good.
 */
export function lineKey(resource: string): string {
  // The hash tag keeps the line and the resource's lock in one slot of a Redis Cluster.
  return `shipmate:lock-line:{${resource}}`;
}

/** Puts a job in line; a job already in line keeps its place. */
export async function joinLine(
  redis: Redis,
  resource: string,
  id: string,
  askedAt: number,
): Promise<void> {
  await redis.zadd(lineKey(resource), 'NX', askedAt, id);
}

/** Gives up a job's place: it has ended and will not run again. */
export async function leaveLine(redis: Redis, resource: string, id: string): Promise<void> {
  await redis.zrem(lineKey(resource), id);
}

/** The resource a job waits for: jobs on one service run one at a time. */
export function resourceOf(data: { service: string }): string {
  return `service:${data.service}`;
}
