import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';
import { InputError } from './errors.js';

const slackSecret = '8f14e45fceea167a5a36dedd4bea2543';
const slackToken = 'xoxb-fake-test';

/** The lines of the error a bad environment stops start-up with. */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.code).toBe('config_invalid');
    return error.userMessage.split('\n');
  }
  throw new Error('expected the environment to be refused');
}

describe('loadConfig', () => {
  it("uses SPEC's defaults when nothing is set", () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      port: 3000,
      gatewayPort: 8080,
      host: '127.0.0.1',
      redisUrl: 'redis://127.0.0.1:6379',
      home: path.resolve('.shipmate'),
      modelsDir: path.resolve('models'),
      configsDir: path.resolve('deploymentconfigs'),
      policyFile: undefined,
      python: 'python3',
      slack: undefined,
      azureSubscriptionId: undefined,
      armEndpoint: undefined,
      kubeconfig: undefined,
      logLevel: 'info',
      secrets: [],
    });
  });

  it('reads each variable it is given', () => {
    const config = loadConfig({
      PORT: '3100',
      GATEWAY_PORT: ' 8180 ',
      HOST: '0.0.0.0',
      REDIS_URL: 'rediss://cache.internal:6380',
      SHIPMATE_HOME: '/var/lib/shipmate',
      SHIPMATE_MODELS: 'registry',
      SHIPMATE_POLICY: 'policy.yaml',
      SHIPMATE_PYTHON: '/opt/py/bin/python',
      AZURE_SUBSCRIPTION_ID: '00000000-0000-4000-8000-000000000000',
      KUBECONFIG: '/etc/kube/config',
      LOG_LEVEL: 'debug',
      SHIPMATE_STATUS_PACE_MS: '250',
    });

    expect(config).toMatchObject({
      port: 3100,
      gatewayPort: 8180,
      host: '0.0.0.0',
      redisUrl: 'rediss://cache.internal:6380',
      home: '/var/lib/shipmate',
      modelsDir: path.resolve('registry'),
      policyFile: 'policy.yaml',
      python: '/opt/py/bin/python',
      azureSubscriptionId: '00000000-0000-4000-8000-000000000000',
      kubeconfig: '/etc/kube/config',
      logLevel: 'debug',
      statusPaceMs: 250,
    });
  });

  it('turns Slack on when both its secret and token are set, and knows them as secrets', () => {
    const config = loadConfig({
      SLACK_SIGNING_SECRET: slackSecret,
      SLACK_BOT_TOKEN: slackToken,
      SLACK_API_URL: 'http://127.0.0.1:4100/api/',
    });

    expect(config.slack).toEqual({
      signingSecret: slackSecret,
      botToken: slackToken,
      apiUrl: 'http://127.0.0.1:4100/api/',
    });
    expect(config.secrets).toEqual([slackSecret, slackToken]);
  });

  it('refuses a Slack signing secret without a bot token', () => {
    expect(problemsOf({ SLACK_SIGNING_SECRET: slackSecret })).toEqual([
      'SLACK_BOT_TOKEN: expected a bot token (xoxb-…) with SLACK_SIGNING_SECRET',
    ]);
  });

  it('refuses a Slack bot token without a signing secret', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: slackToken })).toEqual([
      'SLACK_SIGNING_SECRET: expected the Slack app signing secret with SLACK_BOT_TOKEN',
    ]);
  });

  it('refuses an empty Slack signing secret', () => {
    const problems = problemsOf({ SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: slackToken });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SLACK_SIGNING_SECRET: expected the Slack app signing secret/);
  });

  it('turns Teams authentication on with an app id and password, a secret it knows', () => {
    const appId = '6d2719ef-b7e2-488c-a309-01b2c122cd2e';
    const tenant = 'fb7aee49-4f32-49f4-b5b7-d294f26e6f8b';
    const config = loadConfig({
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: 'teams-client-secret',
      MICROSOFT_APP_TENANT_ID: tenant,
      BOT_OPENID_METADATA_URL: 'http://127.0.0.1:4000/v1/.well-known/openidconfiguration',
      BOT_LOGIN_URL: `https://127.0.0.1:4001/${tenant}`,
    });

    expect(config.teams).toEqual({
      credentials: {
        appId,
        appPassword: 'teams-client-secret',
        appType: 'SingleTenant',
        tenantId: tenant,
      },
      openIdMetadataUrl: 'http://127.0.0.1:4000/v1/.well-known/openidconfiguration',
      loginUrl: `https://127.0.0.1:4001/${tenant}`,
    });
    expect(config.secrets).toContain('teams-client-secret');
    expect(loadConfig({}).teams.credentials).toBeUndefined();
  });

  it('refuses half-set Teams credentials, an http login URL and managed identity', () => {
    const appId = '6d2719ef-b7e2-488c-a309-01b2c122cd2e';
    expect(problemsOf({ MICROSOFT_APP_ID: appId })).toEqual([
      "MICROSOFT_APP_PASSWORD: expected the bot's client secret with MICROSOFT_APP_ID",
    ]);
    expect(problemsOf({ MICROSOFT_APP_PASSWORD: 'hunter2-secret' })).toEqual([
      "MICROSOFT_APP_ID: expected the bot's app id with MICROSOFT_APP_PASSWORD",
    ]);
    const problems = problemsOf({
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: 'hunter2-secret',
      MICROSOFT_APP_TYPE: 'UserAssignedMSI',
      BOT_LOGIN_URL: 'http://127.0.0.1:4001/tenant',
    });
    expect(problems).toEqual([
      'MICROSOFT_APP_TYPE: expected MultiTenant or SingleTenant (UserAssignedMSI is not ' +
        "supported), got 'UserAssignedMSI'",
      "BOT_LOGIN_URL: expected an https URL (MSAL accepts no other), got '" +
        "http://127.0.0.1:4001/tenant'",
    ]);
    expect(
      problemsOf({
        MICROSOFT_APP_ID: appId,
        MICROSOFT_APP_PASSWORD: 'hunter2-secret',
        MICROSOFT_APP_TYPE: 'SingleTenant',
      }),
    ).toEqual(['MICROSOFT_APP_TENANT_ID: expected the tenant id of a SingleTenant bot']);
    expect(
      problemsOf({ MICROSOFT_APP_ID: 'nope', MICROSOFT_APP_PASSWORD: 'hunter2-secret' }).join(),
    ).not.toContain('hunter2');
  });

  it('never echoes a secret value it refuses', () => {
    const badToken = 'not-a-token-but-still-secret-123';
    const blankish = '   ';

    const problems = problemsOf({ SLACK_SIGNING_SECRET: blankish, SLACK_BOT_TOKEN: badToken });

    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain(badToken);
    expect(problems.find((p) => p.startsWith('SLACK_BOT_TOKEN:'))).toBe(
      "SLACK_BOT_TOKEN: expected a bot token (xoxb-…), got '(hidden)'",
    );
  });

  it('does not echo a good signing secret when the token beside it is refused', () => {
    const problems = problemsOf({ SLACK_SIGNING_SECRET: slackSecret, SLACK_BOT_TOKEN: 'abc' });

    expect(problems.join('\n')).not.toContain(slackSecret);
  });

  it.each([
    ['PORT', 'http', 'a TCP port number from 1 to 65535'],
    ['PORT', '0', 'a TCP port number from 1 to 65535'],
    ['GATEWAY_PORT', '70000', 'a TCP port number from 1 to 65535'],
    ['GATEWAY_PORT', '8080.5', 'a TCP port number from 1 to 65535'],
    ['HOST', '', 'an address to listen on, such as 127.0.0.1'],
    ['REDIS_URL', 'localhost:6379', 'a redis:// or rediss:// URL'],
    ['REDIS_URL', 'ftp://127.0.0.1', 'a redis:// or rediss:// URL'],
    ['SLACK_API_URL', 'http://127.0.0.1:4100/api', 'an http(s) URL ending in /api/'],
    ['AZURE_SUBSCRIPTION_ID', 'my-subscription', 'a subscription id (a UUID)'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error, warn, info, debug, trace, silent'],
    ['SHIPMATE_STATUS_PACE_MS', '0', 'milliseconds, a positive integer'],
    ['SHIPMATE_JOB_LOCK_MS', 'soon', 'milliseconds, a positive integer'],
  ])('stops on a malformed %s=%j, naming it and what was expected', (name, value, expected) => {
    expect(problemsOf({ [name]: value })).toEqual([
      `${name}: expected ${expected}, got '${value}'`,
    ]);
  });

  it('lists every malformed variable together, one line each', () => {
    const problems = problemsOf({
      PORT: 'abc',
      REDIS_URL: 'redis//nowhere',
      LOG_LEVEL: 'LOUD',
      AZURE_SUBSCRIPTION_ID: 'x',
    });

    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'REDIS_URL',
      'AZURE_SUBSCRIPTION_ID',
      'LOG_LEVEL',
    ]);
    for (const problem of problems) expect(problem).toContain(': expected ');
  });

  it('refuses a gateway port equal to the ingress port', () => {
    expect(problemsOf({ PORT: '8080' })).toEqual([
      'GATEWAY_PORT: expected a port other than PORT (8080)',
    ]);
  });

  it('shortens a very long bad value in the message', () => {
    const [problem] = problemsOf({ HOST: 'ok', PORT: '9'.repeat(200) });

    expect(problem).toBeDefined();
    expect(problem!.length).toBeLessThan(140);
    expect(problem).toContain('…');
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('loadConfig, edge cases', () => {
  // The shared `url` schema allows http, https, redis and rediss for every URL variable,
  // so each accepts the other protocols although its message says otherwise.
  it('refuses an http URL for REDIS_URL', () => {
    expect(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' })).toEqual([
      "REDIS_URL: expected a redis:// or rediss:// URL, got 'http://127.0.0.1:6379'",
    ]);
  });

  it('refuses a redis URL for AZURE_ARM_ENDPOINT', () => {
    expect(problemsOf({ AZURE_ARM_ENDPOINT: 'redis://127.0.0.1:6379' })[0]).toMatch(
      /^AZURE_ARM_ENDPOINT: expected an https URL/,
    );
  });

  it('refuses a redis URL for SLACK_API_URL', () => {
    expect(problemsOf({ SLACK_API_URL: 'redis://127.0.0.1:6379/api/' })[0]).toMatch(
      /^SLACK_API_URL: expected an http\(s\) URL ending in \/api\//,
    );
  });

  // A Redis URL may carry the Redis password; a malformed one is echoed whole.
  it('does not echo the password of a malformed REDIS_URL', () => {
    const password = 'hunter2-redis-password';

    const problems = problemsOf({ REDIS_URL: `redis://:${password}@127.0.0.1:6379x` });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^REDIS_URL: /);
    expect(problems[0]).not.toContain(password);
  });

  // SHIPMATE_MAX_BODY_BYTES reuses the milliseconds schema capped at 86 400 000, so a
  // positive integer such as 100 MB is refused by a message asking for a positive integer.
  it('accepts any positive byte count its message asks for', () => {
    expect(loadConfig({ SHIPMATE_MAX_BODY_BYTES: '100000000' }).maxBodyBytes).toBe(100_000_000);
  });

  // Object.freeze is shallow: the Slack credentials and the secret list can still change.
  it('freezes the Slack credentials and the secret list too', () => {
    const config = loadConfig({
      SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
      SLACK_BOT_TOKEN: 'xoxb-fake-test',
    });

    expect(Object.isFrozen(config.slack)).toBe(true);
    expect(Object.isFrozen(config.secrets)).toBe(true);
  });
});

describe('loadConfig, numbers', () => {
  it('refuses a port written in hex, which is almost always a typo', () => {
    expect(() => loadConfig({ PORT: '0x1000' })).toThrow(/^PORT: expected a TCP port/);
  });
});

describe('loadConfig, token lifetime', () => {
  it('gives scoring tokens an hour unless SHIPMATE_TOKEN_LIFETIME_S says otherwise', () => {
    expect(loadConfig({}).tokenLifetimeS).toBe(3600);
    expect(loadConfig({ SHIPMATE_TOKEN_LIFETIME_S: '5' }).tokenLifetimeS).toBe(5);
  });

  it('refuses a lifetime of zero or of more than a day', () => {
    for (const value of ['0', '86401', '1h']) {
      expect(() => loadConfig({ SHIPMATE_TOKEN_LIFETIME_S: value })).toThrow(
        /^SHIPMATE_TOKEN_LIFETIME_S: expected seconds, from 1 to 86400/,
      );
    }
  });
});
