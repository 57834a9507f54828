import { spawnSync } from 'node:child_process';

import { expect, it } from 'vitest';

import { freePort } from '../support/free-port.js';
import { repoRoot } from './e2e-support.js';

/** `shipmate say` with nothing listening at REDIS_URL. */
async function sayOffline(text: string) {
  const env = {
    PATH: process.env.PATH ?? '',
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
  };
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'say', text], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

it('answers help without Redis, so a new user can read it before starting anything', async () => {
  const help = await sayOffline('help traffic');

  expect(help.status).toBe(0);
  expect(help.stdout).toContain('traffic <endpoint> <version>=<P> [<version>=<P> …]');
  expect(help.stderr).toBe('');
});

it('answers a typing mistake without Redis, with the usage line, and exits 1', async () => {
  const wrong = await sayOffline('endpoint version add churn green');

  expect(wrong.status).toBe(1);
  expect(wrong.stderr).toContain('--model: name what the version runs');
  expect(wrong.stderr).toContain('Usage: `endpoint version add <endpoint> <version> --model M:V');
});

it('says Redis is not answering for a command that needs it', async () => {
  const list = await sayOffline('service list');

  expect(list.status).toBe(1);
  expect(list.stderr).toContain('Redis does not answer at redis://127.0.0.1:');
  // One clear line, not a stack trace per reconnect attempt.
  expect(list.stderr).not.toContain('ECONNREFUSED');
});
