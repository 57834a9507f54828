import { z } from 'zod';

import { modelRef, resourceName } from '../registry/names.js';

/* The values commands take, as typed in chat, each with a message that says what was expected. */

/** A plain decimal as typed in chat: `0.5`, `2`; not `0x10`, `1e3` or an empty value. */
export const decimal = (expected: string) =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, expected)
    .transform(Number);

export const count = (what: string, max: number) =>
  decimal(`expected a whole number of ${what}`).pipe(
    z
      .number()
      .int(`expected a whole number of ${what}`)
      .min(1, `expected at least 1 ${what.replace(/s$/, '')}`)
      .max(max, `expected at most ${max} ${what}`),
  );

export const modelList = z
  .string({ error: 'expected <model>:<version>, e.g. diabetes:1' })
  .transform((text, ctx) =>
    text.split(',').map((part) => {
      const [name = '', version = '', extra] = part.split(':');
      const parsed = modelRef.safeParse({ name, version });
      if (extra !== undefined || !parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: `'${part}' is not <model>:<version>, e.g. diabetes:1`,
        });
        return { name, version };
      }
      return parsed.data;
    }),
  )
  .refine((models) => models.length <= 10, { error: 'at most 10 models in one version' })
  .refine((models) => new Set(models.map((m) => m.name)).size === models.length, {
    error: 'each model may appear once (two versions of one model cannot share a version)',
  });

export const autoscale = z
  .string()
  .regex(/^\d+-\d+$/, 'expected MIN-MAX replicas, e.g. 1-5')
  .transform((text) => {
    const [min, max] = text.split('-').map(Number) as [number, number];
    return { min, max };
  })
  .refine((r) => r.min >= 1 && r.max <= 100 && r.min <= r.max, {
    error: 'expected 1 ≤ MIN ≤ MAX ≤ 100',
  });

/** `--cpu`, `--memory`, `--replicas`, `--autoscale`: what a version may be sized with. */
export const sizing = {
  cpu: decimal('expected a number of cores, e.g. 0.5')
    .pipe(z.number().positive('expected more than 0 cores').max(64, 'expected at most 64 cores'))
    .optional(),
  memory: decimal('expected gigabytes, e.g. 1.5')
    .pipe(z.number().positive('expected more than 0 GB').max(256, 'expected at most 256 GB'))
    .optional(),
  replicas: count('replicas', 100).optional(),
  autoscale: autoscale.optional(),
};
export const sizingOptions = {
  cpu: { type: 'string' },
  memory: { type: 'string' },
  replicas: { type: 'string' },
  autoscale: { type: 'string' },
} as const;

export const oneScale = {
  error: 'give --replicas or --autoscale, not both',
  path: ['replicas'],
};
export const bothScales = (v: { replicas?: number; autoscale?: unknown }) =>
  v.replicas === undefined || v.autoscale === undefined;

export const service = z.object({ name: resourceName });

/** A traffic percentile as typed: `10`, `12.5`, `10%`; 0 to 100, at most two decimals. */
export const percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,2})?%?$/, 'expected a percentage from 0 to 100, e.g. 10 or 12.5')
  .transform((text) => Number(text.replace('%', '')))
  .pipe(z.number().max(100, 'expected at most 100 %'));

export const jobId = z.string().regex(/^[a-z0-9]{4,32}$/, 'expected a job id such as 3fk2a9x1');
