import type { Logger } from '../platform/logger.js';
import type { JobResult, ServiceAuthJob } from '../queue/job-schemas.js';
import type { ModelCatalog } from '../registry/model-catalog.js';
import type { ServiceStore } from '../registry/service-store.js';
import type { Target } from '../targets/target.js';
import { deploymentOf } from './deployment-of.js';
import { existingService } from './existing-service.js';
import type { StepReporter } from './step-reporter.js';

/** What the auth change processor needs. */
export interface AuthChangeDeps {
  catalog: ModelCatalog;
  services: ServiceStore;
  targetFor: (name: string) => Target;
  readyTimeoutMs: number;
}

/**
 * Switches a service between key, token and no auth. Key and token are never on together:
 * the gateway reads one auth mode per service from the deployment, so the switch is one
 * change of state, and a replay sets the same state again.
 */
export async function processAuthChange(
  data: ServiceAuthJob,
  steps: StepReporter,
  deps: AuthChangeDeps,
  logger: Logger,
): Promise<JobResult> {
  const record = await existingService(deps.services, data.service);
  const target = deps.targetFor(record.target);

  // Credentials first: once the gateway switches, the new mode must have something to check.
  if (data.auth === 'key') {
    await steps.run('create keys', () => target.ensureKeys(data.service));
  }
  if (data.auth === 'token') {
    await steps.run('create token signing key', () => target.ensureSigningKey(data.service));
  }

  const step = data.auth === 'none' ? 'turn auth off' : `switch to ${data.auth} auth`;
  const revision = await steps.run(`${step} at the gateway`, async () =>
    target.apply(await deploymentOf({ ...record, auth: data.auth }, deps.catalog)),
  );
  await steps.run('wait until the gateway uses it', (detail) =>
    target.waitReady(data.service, revision, {
      timeoutMs: deps.readyTimeoutMs,
      onProgress: detail,
      // Only the switch itself matters: a version still starting is no reason to fail it.
      versions: [],
    }),
  );
  await deps.services.update(data.service, (s) => ({ ...s, auth: data.auth }));

  logger.info({ service: data.service, auth: data.auth }, 'service auth changed');
  return { summary: summaryOf(data) };
}

function summaryOf(data: ServiceAuthJob): string {
  switch (data.auth) {
    case 'none':
      return `Auth is off for ${data.service}: anyone who can reach the gateway can score.`;
    case 'key':
      return `Service ${data.service} uses key auth: see \`keys show ${data.service}\`.`;
    case 'token':
      return `Service ${data.service} uses token auth: ask \`token ${data.service}\`.`;
  }
}
