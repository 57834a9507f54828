import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { UnavailableError } from '../platform/errors.js';
import { jobIdFor } from './job-id.js';
import { jobData, type JobData } from './job-schemas.js';
import { joinLine, resourceOf } from './resource-line.js';

/** Options for {@link JobProducer}. */
export interface JobProducerOptions {
  queue: Queue;
  /** Where the lines of jobs per resource are kept (the queue's Redis). */
  redis: Redis;
  /** How long to wait for Redis before answering "not queued". */
  timeoutMs?: number;
}

/** Anything that takes a job to run: the producer itself, or a gate in front of it. */
export interface JobEnqueuer {
  /** Takes the job; resolves to its id, the same for a repeated request. */
  enqueue(data: JobData): Promise<string>;
}

/** Puts checked jobs on the queue, with an id that makes a repeated request a no-op. */
export class JobProducer {
  readonly #queue: Queue;
  readonly #redis: Redis;
  readonly #timeoutMs: number;

  constructor(options: JobProducerOptions) {
    this.#queue = options.queue;
    this.#redis = options.redis;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Enqueues the job; resolves to its id. A second call for the same request adds nothing. */
  async enqueue(data: JobData): Promise<string> {
    const checked = jobData.parse(data);
    const jobId = jobIdFor(checked.origin);

    const added = this.#queue.add(checked.kind, checked, {
      jobId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 5_000 },
      removeOnFail: { age: 30 * 24 * 3600, count: 5_000 },
    });
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error('timed out')), this.#timeoutMs).unref();
    });

    try {
      const job = await Promise.race([added, timeout]);
      // Queued is queued: should joining the line fail, the worker joins it on pick-up.
      await joinLine(this.#redis, resourceOf(checked), jobId, job.timestamp).catch(() => undefined);
    } catch (error) {
      throw new UnavailableError({
        code: 'not_queued',
        userMessage:
          'Not queued: the job queue (Redis) is not reachable. ' +
          'Nothing was changed; try again shortly.',
        cause: error,
      });
    }
    return jobId;
  }
}
