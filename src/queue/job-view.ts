import { Job, type Queue } from 'bullmq';

import { jobData, jobProgress, jobResult, type JobData, type JobStep } from './job-schemas.js';

/** The state words of SPEC.md's Messages section. */
export type JobStateWord =
  'queued' | 'awaiting approval' | 'running' | 'succeeded' | 'failed' | 'rejected' | 'cancelled';

/** Everything a status message or `job <id>` shows about a job. */
export interface JobView {
  id: string;
  state: JobStateWord;
  data: JobData;
  steps: JobStep[];
  /** Why it failed, in the user's words; only when failed. */
  failure: string | undefined;
  summary: string | undefined;
  attempt: number;
  maxAttempts: number;
  createdAt: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  /** For a change that needed approval: who asked, what changes, who decided. */
  approval?: ApprovalInfo;
}

/** The approval side of a job, as its status message shows it. */
export interface ApprovalInfo {
  requestedBy: string;
  /** Lines `what: before → after`. */
  change: string[];
  /** How many distinct approvals it needs. */
  approvers: number;
  approvedBy: string[];
  rejectedBy: string | undefined;
  /** Rejected by the requester themselves: called off, not turned down. */
  withdrawn: boolean;
  reason: string | undefined;
  expiresAt: number;
  /** Still waiting: the buttons work. */
  open: boolean;
  /** User ids who may approve (`*`: anyone but the requester), groups already resolved. */
  from: string[];
  /** User ids who approved so far. */
  approvedByIds: string[];
  /** Other places the request is shown, `<platform>:<channel id>`, besides where it was asked. */
  alsoIn: string[];
}

const stateWords: Record<string, JobStateWord> = {
  waiting: 'queued',
  'waiting-children': 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  active: 'running',
  completed: 'succeeded',
  failed: 'failed',
};

/**
 * Reads one job consistently: the state first, then the job. BullMQ writes the result and
 * the final state in one step, so a job read after its state is never behind it.
 */
export async function viewJobById(queue: Queue, id: string): Promise<JobView | undefined> {
  const state = await queue.getJobState(id);
  const job = await Job.fromId(queue, id);
  return job ? viewJob(job, state) : undefined;
}

/** Reads a BullMQ job into a JobView; undefined when its data is not a Shipmate job. */
export async function viewJob(job: Job, knownState?: string): Promise<JobView | undefined> {
  const data = jobData.safeParse(job.data);
  if (!data.success || job.id === undefined) return undefined;

  const state = stateWords[knownState ?? (await job.getState())] ?? 'queued';
  const progress = jobProgress.safeParse(job.progress);
  const result = jobResult.safeParse(job.returnvalue);
  return {
    id: job.id,
    state,
    data: data.data,
    steps: progress.success ? progress.data.steps : [],
    failure: state === 'failed' ? job.failedReason || 'unknown reason' : undefined,
    summary: result.success ? result.data.summary : undefined,
    attempt: Math.max(job.attemptsStarted, 1),
    maxAttempts: job.opts.attempts ?? 1,
    createdAt: job.timestamp,
    startedAt: job.processedOn ?? undefined,
    finishedAt: job.finishedOn ?? undefined,
  };
}
