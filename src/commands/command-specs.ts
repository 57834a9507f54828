import { z } from 'zod';

import { authMode } from '../registry/service-record.js';
import { modelRef, resourceName } from '../registry/names.js';
import type { Command } from './command.js';

type OptionSpec = { type: 'string' | 'boolean' };

/** One line of SPEC's grammar: the words that select it, its usage and how to build it. */
export interface CommandSpec {
  words: readonly string[];
  usage: string;
  summary: string;
  /** Names of the positional arguments, in order; a trailing `?` marks an optional one. */
  positionals: readonly string[];
  /** How the usage line writes each positional, when not `<key>`. */
  positionalLabels?: readonly string[];
  options: Readonly<Record<string, OptionSpec>>;
  /** zod schema over `{ ...positionals, ...options }` producing the Command. */
  schema: z.ZodType<Command>;
}

/** A plain decimal as typed in chat: `0.5`, `2`; not `0x10`, `1e3` or an empty value. */
const decimal = (expected: string) =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, expected)
    .transform(Number);

const count = (what: string, max: number) =>
  decimal(`expected a whole number of ${what}`).pipe(
    z
      .number()
      .int(`expected a whole number of ${what}`)
      .min(1, `expected at least 1 ${what.replace(/s$/, '')}`)
      .max(max, `expected at most ${max} ${what}`),
  );

const modelList = z
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
  );

const autoscale = z
  .string()
  .regex(/^\d+-\d+$/, 'expected MIN-MAX replicas, e.g. 1-5')
  .transform((text) => {
    const [min, max] = text.split('-').map(Number) as [number, number];
    return { min, max };
  })
  .refine((r) => r.min >= 1 && r.max <= 100 && r.min <= r.max, {
    error: 'expected 1 ≤ MIN ≤ MAX ≤ 100',
  });

const deploySchema = z
  .object({
    models: modelList,
    name: resourceName.optional(),
    target: resourceName.optional(),
    version: resourceName.optional(),
    cpu: decimal('expected a number of cores, e.g. 0.5')
      .pipe(z.number().positive('expected more than 0 cores').max(64, 'expected at most 64 cores'))
      .optional(),
    memory: decimal('expected gigabytes, e.g. 1.5')
      .pipe(z.number().positive('expected more than 0 GB').max(256, 'expected at most 256 GB'))
      .optional(),
    replicas: count('replicas', 100).optional(),
    autoscale: autoscale.optional(),
    auth: z.enum(authMode.options, { error: 'expected key, token or none' }).optional(),
    config: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a deployment configuration name')
      .optional(),
  })
  .refine((v) => v.name !== undefined, {
    error: 'name the new service, e.g. --name diabetes',
    path: ['name'],
  })
  .refine((v) => v.models.length <= 10, {
    error: 'at most 10 models in one deploy',
    path: ['models'],
  })
  .refine((v) => new Set(v.models.map((m) => m.name)).size === v.models.length, {
    error: 'each model may appear once (two versions of one model cannot share a service)',
    path: ['models'],
  })
  .refine((v) => v.replicas === undefined || v.autoscale === undefined, {
    error: 'give --replicas or --autoscale, not both',
    path: ['replicas'],
  })
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

const service = z.object({ name: resourceName });

const jobId = z.string().regex(/^[a-z0-9]{4,32}$/, 'expected a job id such as 3fk2a9x1');

/** The commands this release understands, in the order `help` lists them. */
export const commandSpecs: readonly CommandSpec[] = [
  {
    words: ['help'],
    usage: 'help [command]',
    summary: 'list the commands, or explain one',
    positionals: ['topic?'],
    options: {},
    schema: z
      .object({ topic: z.string().optional() })
      .transform((v): Command => ({ kind: 'help', topic: v.topic })),
  },
  {
    words: ['model', 'list'],
    usage: 'model list',
    summary: 'registered models and their versions',
    positionals: [],
    options: {},
    schema: z.object({}).transform((): Command => ({ kind: 'model.list' })),
  },
  {
    words: ['deploy'],
    usage:
      'deploy <model>:<version>[,…] --name <service> [--target <cluster>] [--version NAME] ' +
      '[--cpu CORES] [--memory GB] [--replicas N | --autoscale MIN-MAX] ' +
      '[--auth key|token|none] [--config NAME]',
    summary: 'deploy registered models as a new scoring service',
    positionals: ['models'],
    positionalLabels: ['<model>:<version>'],
    options: {
      name: { type: 'string' },
      target: { type: 'string' },
      version: { type: 'string' },
      cpu: { type: 'string' },
      memory: { type: 'string' },
      replicas: { type: 'string' },
      autoscale: { type: 'string' },
      auth: { type: 'string' },
      config: { type: 'string' },
    },
    schema: deploySchema,
  },
  {
    words: ['service', 'list'],
    usage: 'service list',
    summary: 'every service with its state and scoring URL',
    positionals: [],
    options: {},
    schema: z.object({}).transform((): Command => ({ kind: 'service.list' })),
  },
  {
    words: ['service', 'show'],
    usage: 'service show <name>',
    summary: 'a service: versions, replicas, resources, auth',
    positionals: ['name'],
    options: {},
    schema: service.transform((v): Command => ({ kind: 'service.show', service: v.name })),
  },
  {
    words: ['service', 'logs'],
    usage: 'service logs <name> [--tail N]',
    summary: "the last lines the service's model processes printed",
    positionals: ['name'],
    options: { tail: { type: 'string' } },
    schema: service
      .extend({ tail: count('lines', 200).default(50) })
      .transform((v): Command => ({ kind: 'service.logs', service: v.name, tail: v.tail })),
  },
  {
    words: ['service', 'delete'],
    usage: 'service delete <name>',
    summary: 'stop a service and remove it',
    positionals: ['name'],
    options: {},
    schema: service.transform((v): Command => ({ kind: 'service.delete', service: v.name })),
  },
  {
    words: ['keys', 'show'],
    usage: 'keys show <service>',
    summary: "the service's primary and secondary keys, shown only to you",
    positionals: ['name'],
    positionalLabels: ['<service>'],
    options: {},
    schema: service.transform((v): Command => ({ kind: 'keys.show', service: v.name })),
  },
  {
    words: ['jobs'],
    usage: 'jobs [--mine]',
    summary: 'recent jobs and their states',
    positionals: [],
    options: { mine: { type: 'boolean' } },
    schema: z
      .object({ mine: z.boolean().default(false) })
      .transform((v): Command => ({ kind: 'jobs', mine: v.mine })),
  },
  {
    words: ['job'],
    usage: 'job <id>',
    summary: "one job's state, steps and outcome",
    positionals: ['id'],
    options: {},
    schema: z
      .object({ id: z.string().regex(/^[a-z0-9]{4,32}$/, 'expected a job id such as 3fk2a9x1') })
      .transform((v): Command => ({ kind: 'job', id: v.id })),
  },
  {
    words: ['approve'],
    usage: 'approve <id>',
    summary: 'approve a job that waits for approval',
    positionals: ['id'],
    options: {},
    schema: z.object({ id: jobId }).transform((v): Command => ({ kind: 'approve', id: v.id })),
  },
  {
    words: ['reject'],
    usage: 'reject <id> [--reason TEXT]',
    summary: 'reject a job that waits for approval; it will not run',
    positionals: ['id'],
    options: { reason: { type: 'string' } },
    schema: z
      .object({
        id: jobId,
        reason: z.string().max(500, 'expected at most 500 characters').optional(),
      })
      .transform((v): Command => ({ kind: 'reject', id: v.id, reason: v.reason })),
  },
  {
    words: ['audit'],
    usage: 'audit [--service NAME] [--limit N]',
    summary: 'the latest entries of the audit log, shown only to you',
    positionals: [],
    options: { service: { type: 'string' }, limit: { type: 'string' } },
    schema: z
      .object({ service: resourceName.optional(), limit: count('entries', 100).default(20) })
      .transform((v): Command => ({ kind: 'audit', service: v.service, limit: v.limit })),
  },
];
