import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { jobData, type JobData, type JobResult } from '../queue/job-schemas.js';
import { jobsQueueName, queuePrefix } from '../queue/queue-names.js';
import { processAuthChange } from './auth-change-processor.js';
import { announceDelete, processDeleteService } from './delete-service-processor.js';
import { abandonDeploy, processDeploy, type DeployProcessorDeps } from './deploy-processor.js';
import { toJobFailure } from './job-failure.js';
import { processKeysRegen } from './keys-regen-processor.js';
import { withResourceLock } from './resource-lock.js';
import { StepReporter } from './step-reporter.js';

/** Options for {@link createJobWorker}. */
export interface JobWorkerOptions {
  /** A connection with `maxRetriesPerRequest: null`, for BullMQ's blocking reads. */
  connection: Redis;
  /** A normal connection for locks. */
  redis: Redis;
  deps: DeployProcessorDeps;
  logger: Logger;
  metrics: Metrics;
  /** BullMQ lockDuration: after this long without renewal a job counts as stalled. */
  lockMs: number;
  concurrency?: number;
}

/** The BullMQ worker that runs every job kind, one processor per kind. */
export function createJobWorker(options: JobWorkerOptions): Worker {
  const processor = async (job: Job): Promise<JobResult> => {
    const parsed = jobData.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        'This job was written by an incompatible release of Shipmate and cannot run; ' +
          'submit the command again.',
      );
    }
    const data = parsed.data;
    const attempt = job.attemptsMade + 1;
    const logger = options.logger.child({ jobId: job.id, kind: data.kind, attempt });
    const steps = new StepReporter(job);
    logger.info('job started');

    try {
      if (data.kind === 'service.delete') await announceDelete(data, options.deps);
      return await withResourceLock(
        {
          redis: options.redis,
          resource: `service:${data.service}`,
          ttlMs: options.lockMs,
          onWait: () => steps.waiting(`wait for the job ahead on ${data.service}`),
        },
        () => dispatch(job, data, steps, options, logger),
      );
    } catch (error) {
      const failure = toJobFailure(error, steps.current, `${job.id}/${attempt}`);
      const final = failure instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      logger.warn({ err: error, final }, final ? 'job failed' : 'job failed; will retry');
      if (final && data.kind === 'deploy') {
        await abandonDeploy(data, failure.message, options.deps, job.id ?? '').catch(
          (cleanup: unknown) => logger.error({ err: cleanup }, 'could not mark service failed'),
        );
      }
      throw failure;
    }
  };

  const worker = new Worker(jobsQueueName, processor, {
    connection: options.connection,
    prefix: queuePrefix,
    concurrency: options.concurrency ?? 4,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(1_000, Math.floor(options.lockMs / 2)),
    maxStalledCount: 2,
  });
  worker.on('completed', (job: Job) => {
    options.metrics.jobsFinished.inc({ kind: job.name, outcome: 'succeeded' });
  });
  worker.on('failed', (job: Job | undefined) => {
    if (job !== undefined && job.finishedOn !== undefined) {
      options.metrics.jobsFinished.inc({ kind: job.name, outcome: 'failed' });
    }
  });
  worker.on('error', (error: Error) => options.logger.error({ err: error }, 'worker error'));
  return worker;
}

function dispatch(
  job: Job,
  data: JobData,
  steps: StepReporter,
  options: JobWorkerOptions,
  logger: Logger,
): Promise<JobResult> {
  switch (data.kind) {
    case 'deploy':
      return processDeploy(job, data, steps, options.deps, logger);
    case 'service.delete':
      return processDeleteService(data, steps, options.deps, logger);
    case 'keys.regen':
      return processKeysRegen(job, data, steps, options.deps, logger);
    case 'service.auth':
      return processAuthChange(data, steps, options.deps, logger);
  }
}
