import { z } from 'zod';

import { keyName } from '../registry/key-name.js';
import { resourceName } from '../registry/names.js';
import type { Command } from './command.js';
import {
  deploySchema,
  serviceUpdateSchema,
  shareList,
  versionAddSchema,
  versionUpdateSchema,
} from './rollout-schemas.js';
import { count, jobId, service, sizingOptions } from './value-schemas.js';

type OptionSpec = { type: 'string' | 'boolean' };

/** One line of SPEC's grammar: the words that select it, its usage and how to build it. */
export interface CommandSpec {
  words: readonly string[];
  usage: string;
  summary: string;
  /**
   * Names of the positional arguments, in order: a trailing `?` marks an optional one,
   * `...` one that takes every word left, and `?...` zero or more words left.
   */
  positionals: readonly string[];
  /** How the usage line writes each positional, when not `<key>`. */
  positionalLabels?: readonly string[];
  options: Readonly<Record<string, OptionSpec>>;
  /** zod schema over `{ ...positionals, ...options }` producing the Command. */
  schema: z.ZodType<Command>;
}

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
        // One line, as typed: a reason shown in a status message cannot forge lines of its own.
        reason:
          v.reason === undefined
            ? undefined
            : [v.reason, ...v.more].join(' ').replace(/\s+/g, ' ').trim(),
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
    summary: 'the latest entries of the audit log (in Slack, shown only to you)',
    positionals: [],
    options: { service: { type: 'string' }, limit: { type: 'string' } },
    schema: z
      .object({ service: resourceName.optional(), limit: count('entries', 100).default(20) })
      .transform((v): Command => ({ kind: 'audit', service: v.service, limit: v.limit })),
  },
];
