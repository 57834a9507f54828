import type { Logger } from '../platform/logger.js';
import type { ServiceStore } from '../registry/service-store.js';
import type { DeleteServiceJob, JobResult } from '../queue/job-schemas.js';
import type { Target } from '../targets/target.js';
import type { StepReporter } from './step-reporter.js';

/** What the delete processor needs. */
export interface DeleteServiceDeps {
  services: ServiceStore;
  targetFor: (name: string) => Target;
}

/**
 * Called before the delete waits for the service's lock: a deploy that holds the lock (say,
 * waiting for a model that never becomes ready) sees it is cancelled and lets go.
 */
export async function announceDelete(
  data: DeleteServiceJob,
  deps: DeleteServiceDeps,
): Promise<void> {
  const record = await deps.services.get(data.service);
  if (record?.state === 'deploying') await deps.services.cancelDeploy(record.jobId);
}

/** Stops a service, drops its keys and forgets it; a replay after a crash finishes the job. */
export async function processDeleteService(
  data: DeleteServiceJob,
  steps: StepReporter,
  deps: DeleteServiceDeps,
  logger: Logger,
): Promise<JobResult> {
  const record = await deps.services.get(data.service);
  // The handler checked the service exists; gone now means an earlier attempt finished.
  if (record === undefined) return { summary: `Service ${data.service} is deleted.` };

  const target = deps.targetFor(record.target);

  await steps.run(`mark ${data.service} deleting`, async () => {
    await deps.services.update(data.service, (s) => ({ ...s, state: 'deleting' }));
  });
  await steps.run(`stop ${data.service} on ${target.kind}`, () => target.remove(data.service));
  await steps.run('delete keys and logs', () => target.forget(data.service));
  await steps.run('remove from registry', async () => {
    await deps.services.delete(data.service);
  });

  logger.info({ service: data.service }, 'service deleted');
  return { summary: `Service ${data.service} is deleted.` };
}
