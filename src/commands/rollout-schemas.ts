import { z } from 'zod';

import { resourceName } from '../registry/names.js';
import { authOption } from './auth-option.js';
import type { Command } from './command.js';
import { bothScales, modelList, oneScale, percent, sizing } from './value-schemas.js';

/* The schemas of `deploy`, `service update`, `endpoint version …` and `traffic`. */

export const deploySchema = z
  .object({
    models: modelList,
    name: resourceName.optional(),
    target: resourceName.optional(),
    version: resourceName.optional(),
    ...sizing,
    auth: authOption.optional(),
    config: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a deployment configuration name')
      .optional(),
  })
  .refine((v) => v.name !== undefined, {
    error: 'name the new service, e.g. --name diabetes',
    path: ['name'],
  })
  .refine(bothScales, oneScale)
  .transform((v): Command => ({
    kind: 'deploy',
    models: v.models,
    service: v.name ?? '',
    target: v.target,
    version: v.version,
    cpu: v.cpu,
    memoryGb: v.memory,
    replicas: v.replicas,
    autoscale: v.autoscale,
    auth: v.auth,
    config: v.config,
  }));

/** `<version>=<P>` pairs of the `traffic` command. */
export const shareList = z.array(z.string()).transform((words, ctx) =>
  words.map((word) => {
    const [version = '', share = '', extra] = word.split('=');
    const name = resourceName.safeParse(version);
    const value = percent.safeParse(share);
    if (extra === undefined && name.success && !value.success && share !== '') {
      // The shape is right; say what is wrong with the number.
      const problem = value.error.issues[0]?.message ?? 'expected a percentage';
      ctx.addIssue({ code: 'custom', message: `'${word}': ${problem}` });
      return { version, traffic: 0 };
    }
    if (extra !== undefined || !name.success || !value.success) {
      ctx.addIssue({ code: 'custom', message: `'${word}' is not <version>=<P>, e.g. blue=10` });
      return { version, traffic: 0 };
    }
    return { version: name.data, traffic: value.data };
  }),
);

export const serviceUpdateSchema = z
  .object({
    name: resourceName,
    model: modelList.optional(),
    ...sizing,
    auth: authOption.optional(),
  })
  .refine(bothScales, oneScale)
  .refine(
    (v) => [v.model, v.cpu, v.memory, v.replicas, v.autoscale, v.auth].some((x) => x !== undefined),
    {
      error: 'nothing to change: give --model, --cpu, --memory, --replicas, --autoscale or --auth',
    },
  )
  .refine(
    (v) =>
      v.auth === undefined ||
      [v.model, v.cpu, v.memory, v.replicas, v.autoscale].every((x) => x === undefined),
    {
      // Two jobs with two outcomes; one command that half succeeded would be harder to read.
      error: 'change --auth in a `service update` of its own',
      path: ['auth'],
    },
  )
  .transform((v): Command =>
    v.auth !== undefined
      ? { kind: 'service.auth', service: v.name, auth: v.auth }
      : {
          kind: 'service.update',
          service: v.name,
          models: v.model,
          cpu: v.cpu,
          memoryGb: v.memory,
          replicas: v.replicas,
          autoscale: v.autoscale,
        },
  );

export const versionAddSchema = z
  .object({
    endpoint: resourceName,
    version: resourceName,
    model: modelList.optional(),
    traffic: percent.optional(),
    default: z.boolean().default(false),
    control: z.boolean().default(false),
    ...sizing,
  })
  .refine((v) => v.model !== undefined, {
    error: 'name what the version runs, e.g. --model diabetes:2',
    path: ['model'],
  })
  .refine(bothScales, oneScale)
  .transform((v): Command => ({
    kind: 'endpoint.version.add',
    endpoint: v.endpoint,
    version: v.version,
    models: v.model ?? [],
    traffic: v.traffic,
    makeDefault: v.default,
    control: v.control,
    cpu: v.cpu,
    memoryGb: v.memory,
    replicas: v.replicas,
    autoscale: v.autoscale,
  }));

export const versionUpdateSchema = z
  .object({
    endpoint: resourceName,
    version: resourceName,
    traffic: percent.optional(),
    default: z.boolean().default(false),
    control: z.boolean().default(false),
    treatment: z.boolean().default(false),
  })
  .refine((v) => !(v.control && v.treatment), {
    error: 'a version is the control or a treatment, not both',
    path: ['control'],
  })
  .refine((v) => v.traffic !== undefined || v.default || v.control || v.treatment, {
    error: 'nothing to change: give --traffic, --default, --control or --treatment',
  })
  .transform((v): Command => ({
    kind: 'endpoint.version.update',
    endpoint: v.endpoint,
    version: v.version,
    traffic: v.traffic,
    makeDefault: v.default,
    role: v.control ? 'control' : v.treatment ? 'treatment' : undefined,
  }));
