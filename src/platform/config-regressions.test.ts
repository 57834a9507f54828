import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';
import { InputError } from './errors.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.userMessage.split('\n');
  }
  throw new Error('expected the environment to be refused');
}

describe('loadConfig', () => {
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
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefghijkl',
    });

    expect(Object.isFrozen(config.slack)).toBe(true);
    expect(Object.isFrozen(config.secrets)).toBe(true);
  });
});
