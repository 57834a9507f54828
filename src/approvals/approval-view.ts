import type { Queue } from 'bullmq';

import {
  viewJobById,
  type ApprovalInfo,
  type JobView,
  type JobStateWord,
} from '../queue/job-view.js';
import type { ApprovalRecord } from './approval-request.js';
import type { ApprovalStore } from './approval-store.js';

const stateWords: Record<ApprovalRecord['state'], JobStateWord> = {
  pending: 'awaiting approval',
  // Approved, and its job about to be queued.
  approved: 'queued',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

/**
 * A job as its status message shows it: from the queue once it was queued, from its approval
 * request before (or instead); with the approval's who and what either way.
 */
export async function viewWithApproval(
  queue: Queue,
  store: ApprovalStore,
  jobId: string,
  /** The policy's person of a user id: the requester withdraws from any platform. */
  personOf: (userId: string) => string = (id) => id,
): Promise<JobView | undefined> {
  const [queued, record] = await Promise.all([viewJobById(queue, jobId), store.get(jobId)]);
  if (record === undefined) return queued;

  const approval = approvalInfo(record, personOf);
  if (queued !== undefined) return { ...queued, approval };
  return {
    id: jobId,
    state: stateWords[record.state],
    data: record.data,
    steps: [],
    failure: undefined,
    summary: undefined,
    attempt: 1,
    maxAttempts: 1,
    createdAt: record.createdAt,
    startedAt: undefined,
    finishedAt: record.state === 'pending' ? undefined : record.decidedAt,
    approval,
  };
}

function approvalInfo(record: ApprovalRecord, personOf: (userId: string) => string): ApprovalInfo {
  const name = (d: { userId: string; userName: string }) => d.userName || d.userId;
  return {
    requestedBy: record.data.origin.userName || record.data.origin.userId,
    change: record.change,
    approvers: record.approvers,
    approvedBy: record.approvedBy.map(name),
    rejectedBy: record.rejectedBy ? name(record.rejectedBy) : undefined,
    withdrawn:
      record.rejectedBy !== undefined &&
      personOf(record.rejectedBy.userId) === personOf(record.data.origin.userId),
    reason: record.reason,
    expiresAt: record.expiresAt,
    open: record.state === 'pending',
    from: record.from,
    approvedByIds: record.approvedBy.map((d) => d.userId),
    alsoIn: record.alsoIn ?? [],
  };
}
