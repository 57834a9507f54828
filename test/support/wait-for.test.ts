import { describe, expect, it } from 'vitest';

import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('resolves the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const answers = [undefined, false, 'ready'];

    const value = await waitFor(() => answers[calls++], { what: 'the answer', intervalMs: 5 });

    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('polls async probes', async () => {
    let calls = 0;

    const value = await waitFor(() => Promise.resolve(++calls >= 2 ? { n: calls } : undefined), {
      what: 'two calls',
      intervalMs: 5,
    });

    expect(value).toEqual({ n: 2 });
  });

  it('rejects after the timeout naming what it waited for and the last value', async () => {
    await expect(
      waitFor(() => false, { what: 'the queue to drain', timeoutMs: 60, intervalMs: 10 }),
    ).rejects.toThrow(/after 60 ms waiting for the queue to drain \(last value: false\)/);
  });

  it('does not wait past the deadline for a probe that never settles', async () => {
    const started = Date.now();

    await expect(
      waitFor(() => new Promise<string>(() => undefined), { what: 'a hung probe', timeoutMs: 50 }),
    ).rejects.toThrow(/waiting for a hung probe \(no value yet\)/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops at once when the probe throws', async () => {
    let calls = 0;

    await expect(
      waitFor(
        () => {
          calls += 1;
          throw new Error('probe broke');
        },
        { what: 'anything' },
      ),
    ).rejects.toThrow('probe broke');
    expect(calls).toBe(1);
  });
});
