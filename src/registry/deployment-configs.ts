import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { InputError, NotFoundError } from '../platform/errors.js';

/** Azure ML's AKS deploymentconfig.json, the fields Shipmate applies; others are allowed. */
export const deploymentConfig = z.looseObject({
  computeType: z.string().optional(),
  containerResourceRequirements: z
    .looseObject({
      cpu: z.number().positive().max(64).optional(),
      memoryInGB: z.number().positive().max(256).optional(),
    })
    .optional(),
  autoScaler: z
    .looseObject({
      autoscaleEnabled: z.boolean().optional(),
      minReplicas: z.number().int().min(1).max(100).optional(),
      maxReplicas: z.number().int().min(1).max(100).optional(),
      targetUtilization: z.number().int().min(1).max(100).optional(),
    })
    .optional(),
  numReplicas: z.number().int().min(1).max(100).optional(),
  authEnabled: z.boolean().optional(),
  tokenAuthEnabled: z.boolean().optional(),
  scoringTimeoutMs: z.number().int().min(100).max(300_000).optional(),
});
export type DeploymentConfig = z.infer<typeof deploymentConfig>;

/** Named deployment configurations: `SHIPMATE_CONFIGS/<name>.json`. */
export class DeploymentConfigs {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async get(name: string): Promise<DeploymentConfig> {
    const file = path.join(this.#dir, `${name}.json`);
    const raw = await readFile(file, 'utf8').catch(() => undefined);
    if (raw === undefined) {
      throw new NotFoundError({
        code: 'config_not_found',
        userMessage: `There is no deployment configuration ${name} (looked for ${name}.json).`,
      });
    }

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new InputError({
        code: 'config_invalid',
        userMessage: `Deployment configuration ${name} is not valid JSON.`,
        cause: error,
      });
    }
    const parsed = deploymentConfig.safeParse(json);
    if (!parsed.success) {
      throw new InputError({
        code: 'config_invalid',
        userMessage: `Deployment configuration ${name}: ${z.prettifyError(parsed.error)}`,
      });
    }
    return parsed.data;
  }
}
