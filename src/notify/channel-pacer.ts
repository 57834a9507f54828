/**
 * Runs writes to one channel one at a time, at least `gapMs` apart (Slack allows about one
 * message per second per channel, Teams about seven). Keyed tasks are coalesced: while a task
 * for a key waits, another for the same key is dropped, since the waiting one will read the
 * newest state when it runs.
 */
export class ChannelPacer {
  readonly #gapMs: number;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #lastWrite = new Map<string, number>();
  readonly #waiting = new Set<string>();

  constructor(gapMs: number) {
    this.#gapMs = gapMs;
  }

  /** Schedules `task` on the channel unless one for `key` is already waiting. */
  run(channel: string, key: string, task: () => Promise<void>): Promise<void> {
    const waitingKey = `${channel}\u0000${key}`;
    if (this.#waiting.has(waitingKey)) return this.#chains.get(channel) ?? Promise.resolve();
    this.#waiting.add(waitingKey);

    const previous = this.#chains.get(channel) ?? Promise.resolve();
    const next = previous.then(async () => {
      const wait = (this.#lastWrite.get(channel) ?? 0) + this.#gapMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));

      this.#waiting.delete(waitingKey);
      try {
        await task();
      } finally {
        this.#lastWrite.set(channel, Date.now());
      }
    });
    const settled = next.catch(() => undefined);
    this.#chains.set(channel, settled);
    void settled.then(() => {
      if (this.#chains.get(channel) !== settled) return;
      this.#chains.delete(channel);
      // Once the gap has passed, an idle channel's last write no longer matters: forget it, so
      // a bot in many conversations does not keep one entry for each forever.
      setTimeout(() => {
        if (!this.#chains.has(channel)) this.#lastWrite.delete(channel);
      }, this.#gapMs).unref();
    });
    return next;
  }

  /** Resolves once every scheduled write has run. */
  async idle(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }
}
