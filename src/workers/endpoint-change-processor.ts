import type { Job } from 'bullmq';

import { NotFoundError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { applyEndpointChange, type EndpointChange } from '../registry/endpoint-change.js';
import { formatModelRef } from '../registry/names.js';
import type { ServiceRecord } from '../registry/service-record.js';
import { trafficTable } from '../registry/traffic-table.js';
import type { EndpointChangeJob, JobResult } from '../queue/job-schemas.js';
import { processDeleteService } from './delete-service-processor.js';
import type { DeployProcessorDeps } from './deploy-processor.js';
import { deploymentOf } from './deployment-of.js';
import { existingService } from './existing-service.js';
import type { StepReporter } from './step-reporter.js';

/**
 * Changes an endpoint's versions: records the new table in the registry, sets it as the
 * target's desired state and waits for the versions the change started. Every step sets a
 * target state, so a replayed job ends where the first attempt would have.
 */
export async function processEndpointChange(
  job: Job,
  data: EndpointChangeJob,
  steps: StepReporter,
  deps: DeployProcessorDeps,
  logger: Logger,
): Promise<JobResult> {
  const jobId = job.id ?? '';
  if (data.change.op === 'version.delete' && !(await deps.services.get(data.service))) {
    // An earlier attempt deleted the last version, and the endpoint with it: done.
    return { summary: `Service ${data.service} is deleted.` };
  }
  const current = await existingService(deps.services, data.service);

  // An earlier attempt of this job already recorded the change: do not apply it twice.
  const applied = current.jobId === jobId;
  if (!applied && applyEndpointChange(current.name, current.versions, data.change).length === 0) {
    // The last version goes, and with it the endpoint.
    return processDeleteService(
      { kind: 'service.delete', origin: data.origin, service: data.service },
      steps,
      deps,
      logger,
    );
  }

  const models = modelsOf(data.change);
  if (models.length > 0) {
    await steps.run(`check model ${models.map(formatModelRef).join(', ')}`, () =>
      Promise.all(models.map((ref) => deps.catalog.get(ref))),
    );
  }

  const record = applied ? current : await recordChange(job, data, current, deps, steps);
  const target = deps.targetFor(record.target);
  const revision = await steps.run(`apply on ${target.kind}`, async () =>
    target.apply(await deploymentOf(record, deps.catalog)),
  );

  const started = startedVersions(data.change);
  await steps.run(
    started.length > 0 ? 'wait until ready' : 'wait until applied',
    async (detail) => {
      await target.waitReady(data.service, revision, {
        timeoutMs: deps.readyTimeoutMs,
        onProgress: detail,
        versions: started,
      });
      if (started.length > 0) await detail(`${started.join(', ')} ready`);
    },
  );

  await deps.services.update(data.service, (s) => ({ ...s, state: 'ready', lastError: undefined }));
  logger.info({ service: data.service, change: data.change.op }, 'endpoint changed');
  return {
    summary: `${data.service} now serves:\n${trafficTable(record.versions)}`,
    scoringUri: target.scoringUri(data.service),
  };
}

/**
 * After the change failed for the last time: the registry and the target go back to the
 * versions from before it, unless a later job has changed the service since.
 */
export async function abandonEndpointChange(
  data: EndpointChangeJob,
  reason: string,
  deps: DeployProcessorDeps,
  jobId: string,
): Promise<void> {
  const before = data.before;
  const current = await deps.services.get(data.service);
  if (before === undefined || current?.jobId !== jobId) return;

  const restored = await deps.services.update(data.service, (s) => ({
    ...s,
    versions: before,
    state: 'ready',
    lastError: `${reason} The change was rolled back.`,
  }));
  if (restored === undefined) return;
  await deps.targetFor(restored.target).apply(await deploymentOf(restored, deps.catalog));
}

/** Writes the new versions, after noting in the job what they were, for a rollback. */
async function recordChange(
  job: Job,
  data: EndpointChangeJob,
  current: ServiceRecord,
  deps: DeployProcessorDeps,
  steps: StepReporter,
): Promise<ServiceRecord> {
  const jobId = job.id ?? '';
  if (data.before === undefined) await job.updateData({ ...data, before: current.versions });

  const updated = await steps.run(`record the change to ${data.service}`, () =>
    deps.services.update(data.service, (s) => ({
      ...s,
      // Applied to the record as it is now, not as it was read above: the rules are checked
      // against what the change really lands on.
      versions:
        s.jobId === jobId ? s.versions : applyEndpointChange(s.name, s.versions, data.change),
      state: 'updating',
      jobId,
    })),
  );
  if (updated === undefined) {
    throw new NotFoundError({
      code: 'service_not_found',
      userMessage: `Service ${data.service} was deleted; nothing to change.`,
    });
  }
  return updated;
}

function modelsOf(change: EndpointChange) {
  if (change.op === 'version.add') return change.version.models;
  if (change.op === 'service.update') return change.models ?? [];
  return [];
}

/** The versions whose replicas the change starts or replaces, which the job waits for. */
function startedVersions(change: EndpointChange): string[] {
  if (change.op === 'version.add') return [change.version.name];
  if (change.op === 'service.update') return [change.version];
  return [];
}
