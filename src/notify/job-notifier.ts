import type { Queue, QueueEvents, QueueEventsListener } from 'bullmq';
import type { Redis } from 'ioredis';

import type { Logger } from '../platform/logger.js';
import { viewJobById, type JobView } from '../queue/job-view.js';
import { ChannelPacer } from './channel-pacer.js';
import { isFinal } from './job-status-text.js';
import type { StatusSink } from './status-sink.js';

/** Options for {@link JobNotifier}. */
export interface JobNotifierOptions {
  queue: Queue;
  events: QueueEvents;
  redis: Redis;
  sinks: StatusSink[];
  logger: Logger;
  /** Minimum gap between two writes to one channel. */
  paceMs: number;
  /** Only these jobs (the console follows its own job); all jobs when undefined. */
  only?: (jobId: string) => boolean;
  /** Called after a job's final state was shown. */
  onFinal?: (view: JobView) => void;
  /** Reads a job as its message shows it; default: from the queue alone. */
  view?: (jobId: string) => Promise<JobView | undefined>;
}

/** The custom queue event announcing that a job's approval request changed. */
export const approvalEvent = 'approval';

type ApprovalListener = QueueEventsListener & {
  [approvalEvent]: (args: { jobId: string }) => void;
};

const refTtlSeconds = 30 * 24 * 3600;

/**
 * Keeps one status message per job up to date. It is driven by state, not by events: any
 * event for a job schedules a render of the job as it is now, so events that arrive late,
 * twice or out of order still leave the message right.
 */
export class JobNotifier {
  readonly #options: JobNotifierOptions;
  readonly #pacer: ChannelPacer;
  readonly #sinks: Map<string, StatusSink>;
  readonly #finished = new Set<string>();

  constructor(options: JobNotifierOptions) {
    this.#options = options;
    this.#pacer = new ChannelPacer(options.paceMs);
    this.#sinks = new Map(options.sinks.map((sink) => [sink.platform, sink]));
  }

  start(): void {
    const onEvent = ({ jobId }: { jobId: string }): void => void this.refresh(jobId);
    for (const event of [
      'added',
      'waiting',
      'active',
      'progress',
      'completed',
      'failed',
    ] as const) {
      this.#options.events.on(event, onEvent);
    }
    // A job waiting for approval is not in the queue yet: its changes come as a custom event.
    this.#options.events.on<ApprovalListener>(approvalEvent, onEvent);
  }

  /** Renders the job's current state into its status message (post or update). */
  async refresh(jobId: string): Promise<void> {
    if (this.#options.only && !this.#options.only(jobId)) return;
    if (this.#finished.has(jobId)) return;

    const view = await this.#view(jobId).catch(() => undefined);
    const origin = view?.data.origin;
    const sink = this.#sinks.get(origin?.platform ?? '');
    if (view === undefined || sink === undefined || origin?.channelId === undefined) return;

    const channel = `${sink.platform}:${origin.channelId}`;
    await this.#pacer
      .run(channel, jobId, () => this.#render(jobId, sink))
      .catch((error: unknown) => {
        this.#options.logger.warn({ err: error, jobId }, 'could not update a job status message');
      });
  }

  /** Resolves once every scheduled status write is done. */
  idle(): Promise<void> {
    return this.#pacer.idle();
  }

  #view(jobId: string): Promise<JobView | undefined> {
    return this.#options.view?.(jobId) ?? viewJobById(this.#options.queue, jobId);
  }

  async #render(jobId: string, sink: StatusSink): Promise<void> {
    if (this.#finished.has(jobId)) return;
    const view = await this.#view(jobId);
    if (view === undefined) return;

    const channelId = view.data.origin.channelId;
    const refKey = `shipmate:status:${jobId}`;
    const existing = await this.#options.redis.get(refKey);
    if (existing === null) {
      // Claim the right to post, so two processes never post two messages for one job.
      const claimed = await this.#options.redis.set(refKey, 'pending', 'EX', 60, 'NX');
      if (claimed !== 'OK') return;
      const messageId = await sink.post(channelId, view);
      await this.#options.redis.set(refKey, messageId, 'EX', refTtlSeconds);
    } else if (existing !== 'pending') {
      await sink.update(channelId, existing, view);
    } else {
      return;
    }

    if (isFinal(view)) {
      // Remember finished jobs so late events cost nothing; forget the oldest past a bound.
      this.#finished.add(jobId);
      if (this.#finished.size > 10_000) {
        this.#finished.delete(this.#finished.values().next().value ?? '');
      }
      this.#options.onFinal?.(view);
    }
  }
}
