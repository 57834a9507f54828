import { z } from 'zod';

import { keyName } from '../registry/key-name.js';
import { modelRef, resourceName } from '../registry/names.js';
import { authOption } from './auth-option.js';
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
  )
  .refine((models) => models.length <= 10, { error: 'at most 10 models in one version' })
  .refine((models) => new Set(models.map((m) => m.name)).size === models.length, {
    error: 'each model may appear once (two versions of one model cannot share a version)',
  });

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

/** `--cpu`, `--memory`, `--replicas`, `--autoscale`: what a version may be sized with. */
const sizing = {
  cpu: decimal('expected a number of cores, e.g. 0.5')
    .pipe(z.number().positive('expected more than 0 cores').max(64, 'expected at most 64 cores'))
    .optional(),
  memory: decimal('expected gigabytes, e.g. 1.5')
    .pipe(z.number().positive('expected more than 0 GB').max(256, 'expected at most 256 GB'))
    .optional(),
  replicas: count('replicas', 100).optional(),
  autoscale: autoscale.optional(),
};
const sizingOptions = {
  cpu: { type: 'string' },
  memory: { type: 'string' },
  replicas: { type: 'string' },
  autoscale: { type: 'string' },
} as const;

const oneScale = {
  error: 'give --replicas or --autoscale, not both',
  path: ['replicas'],
};
const bothScales = (v: { replicas?: number; autoscale?: unknown }) =>
  v.replicas === undefined || v.autoscale === undefined;

const deploySchema = z
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

const service = z.object({ name: resourceName });

/** A traffic percentile as typed: `10`, `12.5`, `10%`; 0 to 100, at most two decimals. */
const percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,2})?%?$/, 'expected a percentage from 0 to 100, e.g. 10 or 12.5')
  .transform((text) => Number(text.replace('%', '')))
  .pipe(z.number().max(100, 'expected at most 100 %'));

/** `<version>=<P>` pairs of the `traffic` command. */
const shareList = z.array(z.string()).transform((words, ctx) =>
  words.map((word) => {
    const [version = '', share = '', extra] = word.split('=');
    const name = resourceName.safeParse(version);
    const value = percent.safeParse(share);
    if (extra !== undefined || !name.success || !value.success) {
      ctx.addIssue({ code: 'custom', message: `'${word}' is not <version>=<P>, e.g. blue=10` });
      return { version, traffic: 0 };
    }
    return { version: name.data, traffic: value.data };
  }),
);

const serviceUpdateSchema = z
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

const versionAddSchema = z
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

const versionUpdateSchema = z
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

// Issue 4 (keys and tokens): `keys regen`, `token` and `service update --auth`.
const authSpecs: readonly CommandSpec[] = [
  {
    words: ['keys', 'regen'],
    usage: 'keys regen <service> --key primary|secondary',
    summary: 'replace one key at once; the other keeps working; the new key is sent only to you',
    positionals: ['name'],
    positionalLabels: ['<service>'],
    options: { key: { type: 'string' } },
    schema: service
      .extend({ key: keyName.optional() })
      .refine((v) => v.key !== undefined, {
        error: 'say which key to regenerate: --key primary or --key secondary',
        path: ['key'],
      })
      .transform((v): Command => ({
        kind: 'keys.regen',
        service: v.name,
        key: v.key ?? 'primary',
      })),
  },
  {
    words: ['token'],
    usage: 'token <service>',
    summary: 'a scoring token for a service with token auth, and when to refresh it; only to you',
    positionals: ['name'],
    positionalLabels: ['<service>'],
    options: {},
    schema: service.transform((v): Command => ({ kind: 'token', service: v.name })),
  },
];
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
      ...sizingOptions,
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
    words: ['service', 'update'],
    usage:
      'service update <name> [--model M:V,…] [--cpu CORES] [--memory GB] ' +
      '[--replicas N | --autoscale MIN-MAX] | --auth key|token|none',
    summary:
      'replace the default version with new models or sizes without dropping a request, ' +
      'or switch auth',
    positionals: ['name'],
    options: { model: { type: 'string' }, ...sizingOptions, auth: { type: 'string' } },
    schema: serviceUpdateSchema,
  },
  {
    words: ['endpoint', 'version', 'add'],
    usage:
      'endpoint version add <endpoint> <version> --model M:V [--traffic P] [--default] ' +
      '[--control] [--cpu CORES] [--memory GB] [--replicas N | --autoscale MIN-MAX]',
    summary: 'start another version behind an endpoint, with a share of its traffic',
    positionals: ['endpoint', 'version'],
    options: {
      model: { type: 'string' },
      traffic: { type: 'string' },
      default: { type: 'boolean' },
      control: { type: 'boolean' },
      ...sizingOptions,
    },
    schema: versionAddSchema,
  },
  {
    words: ['endpoint', 'version', 'update'],
    usage:
      'endpoint version update <endpoint> <version> [--traffic P] [--default] ' +
      '[--control|--treatment]',
    summary: "change a version's traffic percentile or marks",
    positionals: ['endpoint', 'version'],
    options: {
      traffic: { type: 'string' },
      default: { type: 'boolean' },
      control: { type: 'boolean' },
      treatment: { type: 'boolean' },
    },
    schema: versionUpdateSchema,
  },
  {
    words: ['endpoint', 'version', 'delete'],
    usage: 'endpoint version delete <endpoint> <version> [--default <new default version>]',
    summary: 'stop a version and remove it (the last one removes the endpoint)',
    positionals: ['endpoint', 'version'],
    options: { default: { type: 'string' } },
    schema: z
      .object({ endpoint: resourceName, version: resourceName, default: resourceName.optional() })
      .transform((v): Command => ({
        kind: 'endpoint.version.delete',
        endpoint: v.endpoint,
        version: v.version,
        ...(v.default === undefined ? {} : { newDefault: v.default }),
      })),
  },
  {
    words: ['traffic'],
    usage: 'traffic <endpoint> <version>=<P> [<version>=<P> …]',
    summary: 'set traffic percentiles; the default version serves the rest',
    positionals: ['endpoint', 'shares...'],
    positionalLabels: ['<endpoint>', '<version>=<P>'],
    options: {},
    schema: z
      .object({ endpoint: resourceName, shares: shareList })
      .transform((v): Command => ({ kind: 'traffic', endpoint: v.endpoint, shares: v.shares })),
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
  ...authSpecs,
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
    // `--reason not today` reads as a reason of two words, quoted or not.
    positionals: ['id', 'more?...'],
    options: { reason: { type: 'string' } },
    schema: z
      .object({
        id: jobId,
        more: z.array(z.string()).default([]),
        reason: z.string().optional(),
      })
      .refine((v) => v.more.length === 0 || v.reason !== undefined, {
        error: 'give the reason after --reason, e.g. --reason "not before the release"',
        path: ['reason'],
      })
      .transform((v) => ({
        id: v.id,
        reason: v.reason === undefined ? undefined : [v.reason, ...v.more].join(' '),
      }))
      .refine((v) => (v.reason?.length ?? 0) <= 500, {
        error: 'expected at most 500 characters',
        path: ['reason'],
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
