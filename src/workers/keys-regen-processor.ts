import type { Job } from 'bullmq';

import { ConflictError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { JobResult, KeysRegenJob } from '../queue/job-schemas.js';
import type { ServiceStore } from '../registry/service-store.js';
import type { Target } from '../targets/target.js';
import { existingService } from './existing-service.js';
import type { StepReporter } from './step-reporter.js';

/** What the key regeneration processor needs. */
export interface KeysRegenDeps {
  services: ServiceStore;
  targetFor: (name: string) => Target;
}

/**
 * Regenerates one key in the target. It succeeds only once the gateway refuses the old key;
 * its result names no key: the new one is read from the target by the chat edge and sent to
 * the asker alone.
 */
export async function processKeysRegen(
  job: Job,
  data: KeysRegenJob,
  steps: StepReporter,
  deps: KeysRegenDeps,
  logger: Logger,
): Promise<JobResult> {
  const record = await existingService(deps.services, data.service);
  if (record.auth !== 'key') {
    throw new ConflictError({
      code: 'no_key_auth',
      userMessage: `Service ${data.service} no longer uses key auth: it has no keys.`,
    });
  }
  const target = deps.targetFor(record.target);

  await steps.run(`regenerate the ${data.key} key and retire the old one`, () =>
    target.regenerateKey(data.service, data.key, job.id ?? ''),
  );

  const other = data.key === 'primary' ? 'secondary' : 'primary';
  const who = data.origin.userName || data.origin.userId;
  logger.info({ service: data.service, which: data.key }, 'key regenerated');
  // A terminal shows the key only while its `say` still follows the job; after an approval
  // from elsewhere it has gone, so say where the key can be read instead of claiming it went.
  const delivery =
    data.origin.platform === 'console'
      ? `${who} sees the new key in the terminal that asked, or with \`keys show ${data.service}\`.`
      : `The new key is sent to ${who} alone.`;
  return {
    summary:
      `The ${data.key} key of ${data.service} is new: the old one opens nothing any more; ` +
      `the ${other} key is unchanged. ${delivery}`,
  };
}
