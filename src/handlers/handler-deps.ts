import type { Queue } from 'bullmq';

import type { DeploymentConfigs } from '../registry/deployment-configs.js';
import type { ModelCatalog } from '../registry/model-catalog.js';
import type { ServiceStore } from '../registry/service-store.js';
import type { JobProducer } from '../queue/job-producer.js';
import type { Target } from '../targets/target.js';

/** What the handlers need, passed in by main.ts. */
export interface HandlerDeps {
  catalog: ModelCatalog;
  services: ServiceStore;
  configs: DeploymentConfigs;
  producer: JobProducer;
  queue: Queue;
  /** The target for `local` or an attached cluster's name; throws NotFoundError otherwise. */
  targetFor: (name: string) => Target;
}
