import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import {
  endpointJobKinds,
  jobData,
  type EndpointChangeJob,
  type JobData,
  type JobResult,
} from '../queue/job-schemas.js';
import { jobsQueueName, queuePrefix } from '../queue/queue-names.js';
import { processAuthChange } from './auth-change-processor.js';
import { announceDelete, processDeleteService } from './delete-service-processor.js';
import { abandonDeploy, processDeploy, type DeployProcessorDeps } from './deploy-processor.js';
import { toJobFailure } from './job-failure.js';
import { abandonEndpointChange, processEndpointChange } from './endpoint-change-processor.js';
import { leaveLine, resourceOf } from '../queue/resource-line.js';
import { withResourceLock, type Standing } from './resource-lock.js';
import { processKeysRegen } from './keys-regen-processor.js';
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
  const processor = async (job: Job, token?: string): Promise<JobResult> => {
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

    const resource = resourceOf(data);
    // While the job ahead waits for a worker, this one steps aside instead of holding a
    // worker slot: with every slot taken by jobs waiting behind it, it could never run.
    const yieldSlot = async (): Promise<void> => {
      await job.moveToDelayed(Date.now() + 500, token);
      throw new DelayedError();
    };
    try {
      if (data.kind === 'service.delete') await announceDelete(data, options.deps);
      return await withResourceLock(
        {
          redis: options.redis,
          resource,
          ticket: { id: job.id ?? '', askedAt: job.timestamp, standing, yieldSlot },
          ttlMs: options.lockMs,
          onWait: () => steps.waiting(`wait for the job ahead on ${data.service}`),
        },
        () => dispatch(job, data, steps, options, logger),
      );
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      const failure = toJobFailure(error, steps.current, `${job.id}/${attempt}`);
      const final = failure instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      logger.warn({ err: error, final }, final ? 'job failed' : 'job failed; will retry');
      if (final) {
        // Undone while the job still holds its place in line: the next job on this service
        // starts from the state before this one.
        await undo(job, data, failure.message, options).catch((cleanup: unknown) =>
          logger.error({ err: cleanup }, 'could not undo the failed job'),
        );
        await leaveLine(options.redis, resource, job.id ?? '');
      }
      throw failure;
    }
  };

  // A job that ended or was removed while others waited behind it gives up its place.
  const standing = async (id: string): Promise<Standing> => {
    const ahead = await Job.fromId(worker, id);
    const state = ahead === undefined ? 'unknown' : await ahead.getState();
    if (state === 'active') return 'running';
    return state === 'completed' || state === 'failed' || state === 'unknown' ? 'gone' : 'waiting';
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
    default:
      return processEndpointChange(job, data, steps, options.deps, logger);
  }
}

/** After a job failed for the last time: put the service back as it was before it. */
async function undo(
  job: Job,
  data: JobData,
  reason: string,
  options: JobWorkerOptions,
): Promise<void> {
  const jobId = job.id ?? '';
  if (data.kind === 'deploy') await abandonDeploy(data, reason, options.deps, jobId);
  // The attempt that changed the registry wrote what it changed from into the job's data.
  const latest = jobData.parse(job.data);
  if (latest.kind === data.kind && isEndpointChange(latest)) {
    await abandonEndpointChange(latest, reason, options.deps, jobId);
  }
}

function isEndpointChange(data: JobData): data is EndpointChangeJob {
  return (endpointJobKinds as readonly string[]).includes(data.kind);
}
