import path from 'node:path';
import { z } from 'zod';

import { InputError } from './errors.js';

/** Digits only: `0x1000` and `1e3` are typos here, not numbers. */
const digits = z.string().regex(/^\d+$/).transform(Number);
const port = digits.pipe(z.number().int().min(1).max(65535));
const redisUrl = z.url({ protocol: /^rediss?$/ });
const httpUrl = z.url({ protocol: /^https?$/ });
const httpsUrl = z.url({ protocol: /^https$/ });
const nonEmpty = z.string().min(1);
const positiveMs = digits.pipe(z.number().int().min(1).max(86_400_000));
const byteCount = digits.pipe(
  z
    .number()
    .int()
    .min(1)
    .max(2 ** 30),
);

const tokenSeconds = digits.pipe(z.number().int().min(1).max(86_400));

/**
 * Each variable of SPEC.md's environment table, with what it expects in words. The words go
 * into the one-line error that stops start-up, so they say what a good value looks like.
 */
const variables = {
  PORT: { schema: port, expected: 'a TCP port number from 1 to 65535' },
  GATEWAY_PORT: { schema: port, expected: 'a TCP port number from 1 to 65535' },
  HOST: { schema: nonEmpty, expected: 'an address to listen on, such as 127.0.0.1' },
  REDIS_URL: { schema: redisUrl, expected: 'a redis:// or rediss:// URL' },
  SHIPMATE_HOME: { schema: nonEmpty, expected: 'a directory path' },
  SHIPMATE_MODELS: { schema: nonEmpty, expected: 'a directory path' },
  SHIPMATE_CONFIGS: { schema: nonEmpty, expected: 'a directory path' },
  SHIPMATE_POLICY: { schema: nonEmpty, expected: 'a path to a YAML or JSON policy file' },
  SHIPMATE_PYTHON: { schema: nonEmpty, expected: 'a Python executable' },
  SLACK_SIGNING_SECRET: { schema: nonEmpty, expected: 'the Slack app signing secret' },
  SLACK_BOT_TOKEN: { schema: z.string().regex(/^xox[bp]-/), expected: 'a bot token (xoxb-…)' },
  SLACK_API_URL: { schema: httpUrl.regex(/\/api\/$/), expected: 'an http(s) URL ending in /api/' },
  KUBECONFIG: { schema: nonEmpty, expected: 'a kubeconfig path' },
  AZURE_SUBSCRIPTION_ID: { schema: z.uuid(), expected: 'a subscription id (a UUID)' },
  AZURE_ARM_ENDPOINT: { schema: httpsUrl, expected: 'an https URL' },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    expected: 'one of fatal, error, warn, info, debug, trace, silent',
  },
  SHIPMATE_JOB_LOCK_MS: { schema: positiveMs, expected: 'milliseconds, a positive integer' },
  SHIPMATE_STATUS_PACE_MS: { schema: positiveMs, expected: 'milliseconds, a positive integer' },
  SHIPMATE_MAX_BODY_BYTES: { schema: byteCount, expected: 'a byte count, a positive integer' },
  SHIPMATE_TOKEN_LIFETIME_S: { schema: tokenSeconds, expected: 'seconds, from 1 to 86400' },
  MICROSOFT_APP_ID: { schema: z.uuid(), expected: "the bot's Microsoft app id (a UUID)" },
  MICROSOFT_APP_PASSWORD: { schema: nonEmpty, expected: "the bot's client secret" },
  MICROSOFT_APP_TENANT_ID: {
    schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$/),
    expected: 'a tenant id (a UUID) or domain',
  },
  MICROSOFT_APP_TYPE: {
    schema: z.enum(['MultiTenant', 'SingleTenant']),
    expected: 'MultiTenant or SingleTenant (UserAssignedMSI is not supported)',
  },
  BOT_OPENID_METADATA_URL: { schema: httpUrl, expected: 'an http(s) URL' },
  BOT_LOGIN_URL: { schema: httpsUrl, expected: 'an https URL (MSAL accepts no other)' },
} as const;

type VariableName = keyof typeof variables;

/** Slack credentials; present only when both are set. */
export interface SlackConfig {
  signingSecret: string;
  botToken: string;
  /** Base URL of the Web API, ending in `/api/`; undefined means Slack's own. */
  apiUrl: string | undefined;
}

/**
 * Microsoft Teams (Bot Framework). Without credentials the adapter runs unauthenticated, which
 * is allowed only on a loopback address (the Bot Framework Emulator, tests).
 */
export interface TeamsConfig {
  credentials:
    | {
        appId: string;
        appPassword: string;
        appType: 'MultiTenant' | 'SingleTenant';
        tenantId: string | undefined;
      }
    | undefined;
  /** Where the keys that sign incoming activities are found; undefined: Bot Framework's. */
  openIdMetadataUrl: string | undefined;
  /** The authority the bot gets its reply token from; undefined: Microsoft Entra's. */
  loginUrl: string | undefined;
}

/** Everything the process reads from its environment, checked once at start-up. */
export interface Config {
  port: number;
  gatewayPort: number;
  host: string;
  redisUrl: string;
  home: string;
  modelsDir: string;
  configsDir: string;
  policyFile: string | undefined;
  python: string;
  slack: SlackConfig | undefined;
  teams: TeamsConfig;
  azureSubscriptionId: string | undefined;
  armEndpoint: string | undefined;
  kubeconfig: string | undefined;
  logLevel: string;
  /** How long a worker holds a job before another may take it over (BullMQ lockDuration). */
  jobLockMs: number;
  /** Minimum gap between two status-message writes to one channel. */
  statusPaceMs: number;
  /** Largest scoring request body the gateway accepts. */
  maxBodyBytes: number;
  /** How long a scoring token from `token <service>` is valid; refresh-by is half of it. */
  tokenLifetimeS: number;
  /** Every secret value read, for the logger's redaction by value. */
  secrets: readonly string[];
}

/** Reads and checks the environment; throws one InputError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = [];

  const read = <N extends VariableName>(
    name: N,
  ): z.output<(typeof variables)[N]['schema']> | undefined => {
    const raw = env[name];
    if (raw === undefined) return undefined;

    const parsed = variables[name].schema.safeParse(raw.trim());
    if (parsed.success) return parsed.data as z.output<(typeof variables)[N]['schema']>;

    problems.push(`${name}: expected ${variables[name].expected}, got '${shown(name, raw)}'`);
    return undefined;
  };

  const slack = readSlack(env, read, problems);
  const teams = readTeams(env, read, problems);
  const config: Config = {
    port: read('PORT') ?? 3000,
    gatewayPort: read('GATEWAY_PORT') ?? 8080,
    host: read('HOST') ?? '127.0.0.1',
    redisUrl: read('REDIS_URL') ?? 'redis://127.0.0.1:6379',
    home: path.resolve(read('SHIPMATE_HOME') ?? '.shipmate'),
    modelsDir: path.resolve(read('SHIPMATE_MODELS') ?? 'models'),
    configsDir: path.resolve(read('SHIPMATE_CONFIGS') ?? 'deploymentconfigs'),
    policyFile: read('SHIPMATE_POLICY'),
    python: read('SHIPMATE_PYTHON') ?? 'python3',
    slack,
    teams,
    azureSubscriptionId: read('AZURE_SUBSCRIPTION_ID'),
    armEndpoint: read('AZURE_ARM_ENDPOINT'),
    kubeconfig: read('KUBECONFIG'),
    logLevel: read('LOG_LEVEL') ?? 'info',
    jobLockMs: read('SHIPMATE_JOB_LOCK_MS') ?? 30_000,
    statusPaceMs: read('SHIPMATE_STATUS_PACE_MS') ?? 1_000,
    maxBodyBytes: read('SHIPMATE_MAX_BODY_BYTES') ?? 5 * 1024 * 1024,
    tokenLifetimeS: read('SHIPMATE_TOKEN_LIFETIME_S') ?? 3_600,
    secrets: [slack?.signingSecret, slack?.botToken, teams.credentials?.appPassword].filter(
      (s): s is string => Boolean(s),
    ),
  };
  if (config.port === config.gatewayPort) {
    problems.push(`GATEWAY_PORT: expected a port other than PORT (${config.port})`);
  }

  if (problems.length > 0) {
    throw new InputError({ code: 'config_invalid', userMessage: problems.join('\n') });
  }
  if (config.slack) Object.freeze(config.slack);
  Object.freeze(config.teams);
  Object.freeze(config.secrets);
  return Object.freeze(config);
}

function readSlack(
  env: NodeJS.ProcessEnv,
  read: (name: 'SLACK_SIGNING_SECRET' | 'SLACK_BOT_TOKEN' | 'SLACK_API_URL') => string | undefined,
  problems: string[],
): SlackConfig | undefined {
  const signingSecret = read('SLACK_SIGNING_SECRET');
  const botToken = read('SLACK_BOT_TOKEN');
  const apiUrl = read('SLACK_API_URL');
  const secretSet = env.SLACK_SIGNING_SECRET !== undefined;
  const tokenSet = env.SLACK_BOT_TOKEN !== undefined;
  if (!secretSet && !tokenSet) return undefined;

  // A bot that answers without checking signatures would run anyone's commands.
  if (tokenSet && !secretSet) {
    problems.push(
      'SLACK_SIGNING_SECRET: expected the Slack app signing secret with SLACK_BOT_TOKEN',
    );
  }
  if (secretSet && !tokenSet) {
    problems.push('SLACK_BOT_TOKEN: expected a bot token (xoxb-…) with SLACK_SIGNING_SECRET');
  }
  if (signingSecret === undefined || botToken === undefined) return undefined;
  return { signingSecret, botToken, apiUrl };
}

type TeamsVariable =
  | 'MICROSOFT_APP_ID'
  | 'MICROSOFT_APP_PASSWORD'
  | 'MICROSOFT_APP_TENANT_ID'
  | 'MICROSOFT_APP_TYPE'
  | 'BOT_OPENID_METADATA_URL'
  | 'BOT_LOGIN_URL';

function readTeams(
  env: NodeJS.ProcessEnv,
  read: <N extends TeamsVariable>(name: N) => z.output<(typeof variables)[N]['schema']> | undefined,
  problems: string[],
): TeamsConfig {
  const appId = read('MICROSOFT_APP_ID');
  const appPassword = read('MICROSOFT_APP_PASSWORD');
  const tenantId = read('MICROSOFT_APP_TENANT_ID');
  const appType = read('MICROSOFT_APP_TYPE') ?? (tenantId ? 'SingleTenant' : 'MultiTenant');
  const teams: TeamsConfig = {
    credentials: undefined,
    openIdMetadataUrl: read('BOT_OPENID_METADATA_URL'),
    loginUrl: read('BOT_LOGIN_URL'),
  };
  const idSet = env.MICROSOFT_APP_ID !== undefined;
  const passwordSet = env.MICROSOFT_APP_PASSWORD !== undefined;
  if (!idSet && !passwordSet) return teams;

  // An app id without its secret could check incoming tokens but never reply; a secret
  // without an id is a half-done setup. Either way, say so rather than half-start.
  if (idSet && !passwordSet) {
    problems.push("MICROSOFT_APP_PASSWORD: expected the bot's client secret with MICROSOFT_APP_ID");
  }
  if (passwordSet && !idSet) {
    problems.push("MICROSOFT_APP_ID: expected the bot's app id with MICROSOFT_APP_PASSWORD");
  }
  if (appType === 'SingleTenant' && tenantId === undefined && idSet) {
    problems.push('MICROSOFT_APP_TENANT_ID: expected the tenant id of a SingleTenant bot');
  }
  if (appId === undefined || appPassword === undefined) return teams;
  return { ...teams, credentials: { appId, appPassword, appType, tenantId } };
}

const secretNames = new Set<string>([
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'MICROSOFT_APP_PASSWORD',
]);

function shown(name: string, raw: string): string {
  if (secretNames.has(name)) return raw === '' ? '' : '(hidden)';
  // A URL may carry a password (redis://:secret@host): never echo what follows the scheme's
  // user part.
  const safe = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
  return safe.length > 60 ? `${safe.slice(0, 60)}…` : safe;
}
