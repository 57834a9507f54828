import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** What is awaited, as a phrase: it names the wait in the timeout error. */
  what: string;
  /** Give up after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Pause between two calls of the probe. Default 50 ms. */
  intervalMs?: number;
}

/** Returned by the probe of {@link waitFor} while the awaited state has not arrived. */
export type NotYet = undefined | false;

const pending = Symbol('pending');

/**
 * Calls `fn` until it returns (or resolves to) something other than `undefined` or `false`,
 * and resolves to that value.
 *
 * An error thrown by `fn` ends the wait at once. After `timeoutMs` the promise rejects with an
 * error naming `what` and the last value `fn` returned; a call still running at the deadline
 * is not awaited.
 */
export async function waitFor<T>(
  fn: () => T | NotYet | Promise<T | NotYet>,
  options: WaitForOptions,
): Promise<Exclude<T, NotYet>> {
  const { what, timeoutMs = 5000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = pending;

  for (;;) {
    const remaining = deadline - Date.now();
    const value = await withDeadline(Promise.resolve().then(fn), remaining);
    if (value !== pending) {
      last = value;
      if (value !== undefined && value !== false) return value as Exclude<T, NotYet>;
    }

    if (value === pending || Date.now() >= deadline) {
      const seen = last === pending ? 'no value yet' : `last value: ${inspect(last)}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (${seen})`);
    }

    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof pending> {
  const controller = new AbortController();
  const timer = sleep(Math.max(0, ms), pending, { signal: controller.signal });

  try {
    return await Promise.race([work, timer]);
  } finally {
    controller.abort();
    timer.catch(() => undefined);
  }
}
