import { z } from 'zod';

/** What happened, in the audit log's words. */
export const auditAction = z.enum([
  /** A change was queued to run at once. */
  'queued',
  /** A change waits for approval. */
  'approval requested',
  'approved',
  /** One approval counted; more are needed. */
  'approval counted',
  'rejected',
  'expired',
  /** Policy refused a command. */
  'refused',
  'succeeded',
  'failed',
]);
export type AuditAction = z.infer<typeof auditAction>;

/** One entry of the audit log: who, where, when, what, before → after, job and outcome. */
export const auditEntry = z.object({
  at: z.iso.datetime(),
  action: auditAction,
  /** Who acted: the requester, the approver, or `shipmate` for expiry and outcomes. */
  actor: z.object({
    platform: z.enum(['slack', 'teams', 'console', 'shipmate']),
    userId: z.string().min(1),
    userName: z.string(),
  }),
  /** The channel (or `console`) where it happened. */
  where: z.string(),
  /** The command kind or job kind. */
  kind: z.string(),
  /** The command as typed, when there is one. */
  command: z.string().max(4000).optional(),
  service: z.string().optional(),
  jobId: z.string().optional(),
  before: z.array(z.string()).optional(),
  after: z.array(z.string()).optional(),
  /** Why: a rejection reason, the rule that refused, the failure. */
  detail: z.string().max(2000).optional(),
});
export type AuditEntry = z.infer<typeof auditEntry>;
