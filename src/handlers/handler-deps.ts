import type { Queue } from 'bullmq';

import type { ApprovalDecisions } from '../approvals/approval-decisions.js';
import type { Policy } from '../approvals/policy.js';
import type { AuditLog } from '../registry/audit-log.js';
import type { JobView } from '../queue/job-view.js';

import type { DeploymentConfigs } from '../registry/deployment-configs.js';
import type { ModelCatalog } from '../registry/model-catalog.js';
import type { ServiceStore } from '../registry/service-store.js';
import type { JobEnqueuer } from '../queue/job-producer.js';
import type { Target } from '../targets/target.js';

/** What the handlers need, passed in by main.ts. */
export interface HandlerDeps {
  catalog: ModelCatalog;
  services: ServiceStore;
  configs: DeploymentConfigs;
  /** Every change goes through here: the approval gate in front of the queue. */
  producer: JobEnqueuer;
  queue: Queue;
  /** The target for `local` or an attached cluster's name; throws NotFoundError otherwise. */
  targetFor: (name: string) => Target;
  policy: Policy;
  decisions: ApprovalDecisions;
  audit: AuditLog;
  /** A job as its status message shows it, whether queued or waiting for approval. */
  jobView: (id: string) => Promise<JobView | undefined>;
  /** The latest changes that asked for approval, as jobs, newest first. */
  recentApprovals: () => Promise<JobView[]>;
}
