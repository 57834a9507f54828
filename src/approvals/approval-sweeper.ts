import type { ApprovalDeps } from './approval-deps.js';
import { expiryEntry } from './approval-decisions.js';

/** Options for {@link ApprovalSweeper}. */
export interface ApprovalSweeperOptions {
  deps: ApprovalDeps;
  /** How often to look. Default 1 s. */
  intervalMs?: number;
}

/**
 * Cancels requests whose time is up even when nobody clicks, and queues approved requests
 * whose approver's process died before it could queue them. Any number of processes may run
 * one: the store's scripts let exactly one of them cancel a request, and a job queued twice
 * under one id is one job.
 */
export class ApprovalSweeper {
  readonly #deps: ApprovalDeps;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #passes = 0;

  constructor(options: ApprovalSweeperOptions) {
    this.#deps = options.deps;
    this.#intervalMs = options.intervalMs ?? 1_000;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.sweep()
        .catch((error: unknown) => {
          this.#deps.logger.warn({ err: error }, 'approval sweep failed; will retry');
        })
        .finally(() => (this.#running = undefined));
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass: cancel what expired, queue what was approved and left behind. */
  async sweep(): Promise<void> {
    const { store } = this.#deps;
    const now = (this.#deps.clock ?? Date.now)();

    for (const jobId of await store.due(now)) {
      const record = await store.get(jobId);
      if (record?.state === 'approved') {
        await this.#requeue(jobId);
        continue;
      }
      if (record === undefined || !(await store.expire(jobId, now))) {
        // Decided meanwhile, or gone: nothing left to do for it.
        if (record?.state !== 'pending') await store.close(jobId);
        continue;
      }
      this.#deps.logger.info({ jobId }, 'approval request expired');
      await this.#deps.audit.append(expiryEntry(record));
      await this.#deps.announce(jobId);
    }

    // Approvals left behind are rare: look for them every tenth pass, not every second.
    this.#passes += 1;
    if (this.#passes % 10 !== 1) return;
    for (const jobId of await store.open()) {
      const record = await store.get(jobId);
      // Give the approver's own process a moment to queue it first.
      if (record?.state === 'approved' && now - (record.decidedAt ?? now) > 10_000) {
        await this.#requeue(jobId);
      }
    }
  }

  async #requeue(jobId: string): Promise<void> {
    const record = await this.#deps.store.get(jobId);
    if (record === undefined) return;
    await this.#deps.producer.enqueue(record.data);
    await this.#deps.store.close(jobId);
    await this.#deps.announce(jobId);
  }
}
