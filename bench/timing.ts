import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Resolves with `work`, or rejects after `ms` naming `what`; the work is not cancelled. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  const controller = new AbortController();
  const timer = sleep(ms, undefined, { signal: controller.signal }).then(() => {
    throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  });
  try {
    return await Promise.race([work, timer]);
  } finally {
    controller.abort();
    timer.catch(() => undefined);
  }
}

/** Milliseconds since `started` (a `performance.now()` value). */
export function since(started: number): number {
  return performance.now() - started;
}
