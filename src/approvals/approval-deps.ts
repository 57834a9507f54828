import type { Logger } from '../platform/logger.js';
import type { JobProducer } from '../queue/job-producer.js';
import type { AuditLog } from '../registry/audit-log.js';
import type { ServiceStore } from '../registry/service-store.js';
import type { ApprovalStore } from './approval-store.js';
import type { Policy } from './policy.js';

/** What the approval gate, decisions and sweeper share; made in main.ts. */
export interface ApprovalDeps {
  policy: Policy;
  store: ApprovalStore;
  /** The plain producer: puts a job on the queue with no policy check. */
  producer: JobProducer;
  services: ServiceStore;
  audit: AuditLog;
  /** Tells every notifier that a request changed (a BullMQ custom event). */
  announce: (jobId: string) => Promise<void>;
  logger: Logger;
  clock?: () => number;
}
