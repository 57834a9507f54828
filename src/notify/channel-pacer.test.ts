import { describe, expect, it } from 'vitest';

import { ChannelPacer } from './channel-pacer.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Write {
  name: string;
  start: number;
  end: number;
}

/** Records each write with when it started and ended. */
function recorder() {
  const writes: Write[] = [];
  const task =
    (name: string, takesMs = 0) =>
    async () => {
      const start = Date.now();
      if (takesMs > 0) await sleep(takesMs);
      writes.push({ name, start, end: Date.now() });
    };
  return { writes, task, names: () => writes.map((w) => w.name) };
}

// Timers may fire a millisecond or two early against Date.now(); allow for that, no more.
const slack = 3;

describe('ChannelPacer', () => {
  it('runs the first write to a channel at once', async () => {
    const pacer = new ChannelPacer(1_000);
    const { task, writes } = recorder();
    const asked = Date.now();

    await pacer.run('C1', 'job-1', task('first'));

    expect(writes).toHaveLength(1);
    expect(writes[0]!.start - asked).toBeLessThan(500);
  });

  it('spaces writes to one channel by at least the gap', async () => {
    const gap = 50;
    const pacer = new ChannelPacer(gap);
    const { task, writes, names } = recorder();

    void pacer.run('C1', 'job-1', task('a'));
    void pacer.run('C1', 'job-2', task('b'));
    void pacer.run('C1', 'job-3', task('c'));
    await pacer.idle();

    expect(names()).toEqual(['a', 'b', 'c']);
    expect(writes[1]!.start - writes[0]!.end).toBeGreaterThanOrEqual(gap - slack);
    expect(writes[2]!.start - writes[1]!.end).toBeGreaterThanOrEqual(gap - slack);
  });

  it('runs writes to one channel one at a time, in the order asked', async () => {
    const pacer = new ChannelPacer(10);
    const { task, writes, names } = recorder();

    void pacer.run('C1', 'job-1', task('slow', 40));
    void pacer.run('C1', 'job-2', task('quick'));
    await pacer.idle();

    expect(names()).toEqual(['slow', 'quick']);
    expect(writes[1]!.start).toBeGreaterThanOrEqual(writes[0]!.end);
  });

  it('keeps the gap after the channel went quiet', async () => {
    const gap = 60;
    const pacer = new ChannelPacer(gap);
    const { task, writes } = recorder();

    await pacer.run('C1', 'job-1', task('a'));
    await pacer.idle();
    await pacer.run('C1', 'job-1', task('b'));

    expect(writes[1]!.start - writes[0]!.end).toBeGreaterThanOrEqual(gap - slack);
  });

  it('does not make one channel wait for another', async () => {
    const pacer = new ChannelPacer(60);
    const { task, names } = recorder();

    void pacer.run('C1', 'job-1', task('c1-first'));
    void pacer.run('C1', 'job-2', task('c1-second'));
    void pacer.run('C2', 'job-3', task('c2-first'));
    await pacer.idle();

    expect(names().indexOf('c2-first')).toBeLessThan(names().indexOf('c1-second'));
  });

  it('drops a second write for a key while the first still waits', async () => {
    const pacer = new ChannelPacer(40);
    const { task, names } = recorder();

    await pacer.run('C1', 'job-1', task('first'));
    const waiting = pacer.run('C1', 'job-1', task('second'));
    const coalesced = pacer.run('C1', 'job-1', task('third'));
    const other = pacer.run('C1', 'job-2', task('other job'));
    await Promise.all([waiting, coalesced, other]);
    await pacer.idle();

    expect(names()).toEqual(['first', 'second', 'other job']);
  });

  it('keeps the same key on another channel apart', async () => {
    const pacer = new ChannelPacer(30);
    const { task, names } = recorder();

    void pacer.run('C1', 'job-1', task('in C1'));
    void pacer.run('C2', 'job-1', task('in C2'));
    await pacer.idle();

    expect(names().sort()).toEqual(['in C1', 'in C2']);
  });

  it('schedules a write for a key whose earlier write has already started', async () => {
    const pacer = new ChannelPacer(30);
    const { task, names } = recorder();
    let started!: () => void;
    const hasStarted = new Promise<void>((resolve) => (started = resolve));

    void pacer.run('C1', 'job-1', async () => {
      started();
      await task('running', 30)();
    });
    await hasStarted;
    void pacer.run('C1', 'job-1', task('newer'));
    await pacer.idle();

    expect(names()).toEqual(['running', 'newer']);
  });

  it('rejects a failed write to its caller and goes on with the channel', async () => {
    const pacer = new ChannelPacer(30);
    const { task, names } = recorder();

    const failed = pacer.run('C1', 'job-1', () => Promise.reject(new Error('429 from Slack')));
    const next = pacer.run('C1', 'job-2', task('after failure'));

    await expect(failed).rejects.toThrow('429 from Slack');
    await next;
    expect(names()).toEqual(['after failure']);
  });

  it('is idle at once when nothing was scheduled', async () => {
    await expect(new ChannelPacer(1_000).idle()).resolves.toBeUndefined();
  });
});
