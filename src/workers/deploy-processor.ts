import type { Job } from 'bullmq';

import { ConflictError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { ModelCatalog } from '../registry/model-catalog.js';
import { formatModelRef } from '../registry/names.js';
import type { ServiceStore } from '../registry/service-store.js';
import type { DeployJob, JobResult } from '../queue/job-schemas.js';
import type { Target } from '../targets/target.js';
import type { StepReporter } from './step-reporter.js';

/** What the deploy processor needs. */
export interface DeployProcessorDeps {
  catalog: ModelCatalog;
  services: ServiceStore;
  targetFor: (name: string) => Target;
  readyTimeoutMs: number;
}

/**
 * Deploys a new service: every step sets a target state and checks whether it is already
 * there, so a replay after a worker died finishes the job without a second service.
 */
export async function processDeploy(
  job: Job,
  data: DeployJob,
  steps: StepReporter,
  deps: DeployProcessorDeps,
  logger: Logger,
): Promise<JobResult> {
  const target = deps.targetFor(data.target);
  const refs = data.version.models.map(formatModelRef).join(', ');

  const models = await steps.run(`check model ${refs}`, () =>
    Promise.all(data.version.models.map((ref) => deps.catalog.get(ref))),
  );

  const jobId = job.id ?? '';
  const cancelled = () => deps.services.isDeployCancelled(jobId);
  await steps.run(`register service ${data.service}`, async () => {
    if (await cancelled()) {
      throw new ConflictError({
        code: 'deploy_cancelled',
        userMessage:
          `Service ${data.service} was deleted while it was deploying; ` + 'not recreating it.',
      });
    }
    // Keys or logs left under this name with no service in the registry (a Redis that lost its
    // data, a delete cut short) belong to another service: a new one must not inherit them.
    // A replay of this deploy finds its own record and keeps what it made.
    if ((await deps.services.get(data.service)) === undefined) await target.forget(data.service);

    const now = new Date().toISOString();
    await deps.services.claim({
      name: data.service,
      target: data.target,
      auth: data.auth,
      versions: [data.version],
      state: 'deploying',
      createdBy: data.origin.userName || data.origin.userId,
      createdAt: now,
      updatedAt: now,
      jobId: job.id ?? '',
    });
  });

  if (data.auth === 'key') {
    await steps.run('create keys', () => target.ensureKeys(data.service));
  }
  if (data.auth === 'token') {
    await steps.run('create token signing key', () => target.ensureSigningKey(data.service));
  }

  const revision = await steps.run(`start ${data.version.name} on ${target.kind}`, () =>
    target.apply({
      service: data.service,
      auth: data.auth,
      versions: [{ spec: data.version, models }],
    }),
  );

  await steps.run('wait until ready', async (detail) => {
    await target.waitReady(data.service, revision, {
      timeoutMs: deps.readyTimeoutMs,
      onProgress: detail,
      cancelled,
    });
    await detail(`${data.version.name} ready`);
  });

  await deps.services.update(data.service, (s) => ({ ...s, state: 'ready', lastError: undefined }));
  const scoringUri = target.scoringUri(data.service);
  logger.info({ service: data.service }, 'service deployed');
  return { summary: `Service ${data.service} is ready at ${scoringUri}`, scoringUri };
}

/** After the last attempt failed: mark the service failed and stop its processes. */
export async function abandonDeploy(
  data: DeployJob,
  reason: string,
  deps: DeployProcessorDeps,
  jobId: string,
): Promise<void> {
  const record = await deps.services.get(data.service);
  if (record?.jobId !== jobId) return;

  await deps.services.update(data.service, (s) => ({ ...s, state: 'failed', lastError: reason }));
  await deps.targetFor(data.target).remove(data.service);
}
