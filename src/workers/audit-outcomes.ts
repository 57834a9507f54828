import type { Job, Worker } from 'bullmq';

import type { Logger } from '../platform/logger.js';
import { jobData, jobResult } from '../queue/job-schemas.js';
import type { AuditLog } from '../registry/audit-log.js';

/** Options for {@link auditOutcomes}. */
export interface AuditOutcomesOptions {
  worker: Worker;
  audit: AuditLog;
  logger: Logger;
}

/**
 * Appends each job's outcome to the audit log once: a stalled job is replayed, and both runs
 * may report.
 */
export function auditOutcomes(options: AuditOutcomesOptions): void {
  const record = async (job: Job, outcome: 'succeeded' | 'failed'): Promise<void> => {
    const parsed = jobData.safeParse(job.data);
    if (!parsed.success || job.id === undefined) return;
    const data = parsed.data;
    const result = jobResult.safeParse(job.returnvalue);
    const detail =
      outcome === 'failed' ? job.failedReason : result.success ? result.data.summary : undefined;
    const service = (data as unknown as Record<string, unknown>).service;
    await options.audit.appendOnce(`outcome:${job.id}`, {
      action: outcome,
      actor: { platform: 'shipmate', userId: 'shipmate', userName: 'shipmate' },
      where: data.origin.channelId,
      kind: data.kind,
      command: data.origin.text,
      ...(typeof service === 'string' ? { service } : {}),
      jobId: job.id,
      ...(detail ? { detail: detail.slice(0, 2000) } : {}),
    });
  };
  const safely = (job: Job, outcome: 'succeeded' | 'failed'): void => {
    record(job, outcome).catch((error: unknown) => {
      options.logger.error({ err: error, jobId: job.id }, 'could not audit a job outcome');
    });
  };

  options.worker.on('completed', (job: Job) => safely(job, 'succeeded'));
  options.worker.on('failed', (job: Job | undefined) => {
    // Only the last attempt's failure is the job's outcome.
    if (job !== undefined && job.finishedOn !== undefined) safely(job, 'failed');
  });
}
