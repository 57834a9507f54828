import { z } from 'zod';

import { jobData } from '../queue/job-schemas.js';

/** Where a request stands; `approved` means its job was (or is being) queued. */
export const approvalState = z.enum(['pending', 'approved', 'rejected', 'cancelled']);
export type ApprovalState = z.infer<typeof approvalState>;

/** The fixed part of an approval request, written once when the change is asked for. */
export const approvalRequest = z.object({
  jobId: z.string().min(1),
  /** The validated job, queued unchanged under the same id once approved. */
  data: jobData,
  rule: z.string(),
  approvers: z.number().int().min(1),
  /** User ids who may approve; `*` for anyone but the requester. */
  from: z.array(z.string()).min(1),
  /** Who asked, as a person (see Policy.personOf); the origin's user id when left out. */
  requester: z.string().optional(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  /** What will change, as lines "before → after". */
  change: z.array(z.string()),
  /** Other channels the request is posted to, `<platform>:<channel id>` (policy `channels`). */
  alsoIn: z.array(z.string()).optional(),
  /** When the service it changes was made, if it existed: a service made anew is another. */
  serviceCreatedAt: z.string().optional(),
});
export type ApprovalRequest = z.infer<typeof approvalRequest>;

/** A person who voted or decided. */
export interface Decider {
  userId: string;
  userName: string;
}

/** A request with its current state and votes. */
export interface ApprovalRecord extends ApprovalRequest {
  state: ApprovalState;
  approvedBy: Decider[];
  rejectedBy: Decider | undefined;
  reason: string | undefined;
  decidedAt: number | undefined;
}
