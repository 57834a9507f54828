import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { deletesWithoutApproval, writePolicyFile } from '../support/policy-file.js';
import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';
import {
  diabetesModel,
  diabetesRows,
  entryScript,
  keysOf,
  killRunners,
  killStraySays,
  makeModelsDir,
  runnerPids,
  say,
  score,
} from './e2e-support.js';

// Each test runs the CLI a few times, and each run loads the product from source.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let redis: RedisServer;
let stopRedis = (): Promise<void> => Promise.resolve();
let product: Product;
/** Every product started and not yet stopped, for afterAll. */
const running = new Set<Product>();
let scratch: string;
/** SHIPMATE_HOME of the products, kept across the restart. */
let home: string | undefined;
let models: string;

/** Starts the product on this file's Redis and models; on an existing home to restart it. */
async function start(existingHome?: string): Promise<Product> {
  const started = await startProduct({
    redisUrl: redis.url,
    // Deletes here are about the local target; approvals have their own tests.
    env: {
      SHIPMATE_MODELS: models,
      SHIPMATE_POLICY: await writePolicyFile(deletesWithoutApproval),
    },
    ...(existingHome === undefined ? {} : { home: existingHome }),
  });
  running.add(started);
  return started;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'shipmate-e2e-local-'));
  models = await makeModelsDir(scratch);
  redis = await startRedis();
  stopRedis = () => redis.stop();
  product = await start();
  home = product.home;
});

afterAll(async () => {
  killStraySays();
  for (const started of running) await started.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
  await stopRedis();
  for (const model of ['diabetes', 'echo-node', 'crash-init']) {
    await killRunners(entryScript(models, model));
  }
  await rm(scratch, { recursive: true, force: true });
});

/** Deploys, and checks the user was told the job succeeded. */
async function deploy(text: string): Promise<void> {
  const result = await say(product, text);
  expect(result.code, result.output).toBe(0);
  expect(result.stdout).toMatch(/job [a-z0-9]+ — .* — succeeded/);
}

it('lists the registered models with their versions', async () => {
  const list = await say(product, 'model list');

  expect(list.code, list.output).toBe(0);
  for (const name of ['crash-init', 'diabetes', 'echo-node', 'multi-file', 'raises', 'slow-run']) {
    expect(list.stdout).toContain(`\`${name}\` — versions 1`);
  }
});

it('runs two ready processes for a deploy with --replicas 2', async () => {
  await deploy('deploy echo-node:1 --name echo-pair --auth none --replicas 2');

  const show = await say(product, 'service show echo-pair');
  expect(show.stdout).toMatch(/`echo-node-1` \(default\) — echo-node:1 · ready 2\/2/);
  expect(show.stdout).toContain('2 replica(s)');
  expect(await runnerPids(entryScript(models, 'echo-node'))).toHaveLength(2);

  for (const n of [1, 2, 3, 4]) {
    const answer = await score(product, 'echo-pair', { n });
    expect(answer).toMatchObject({ status: 200, body: { echo: { n } } });
  }
});

describe('deleting several services at once', () => {
  it('ends every delete with the summary and the finished elapsed time', async () => {
    const names = ['gone-a', 'gone-b', 'gone-c', 'gone-d', 'gone-e', 'gone-f'];
    await Promise.all(names.map((n) => deploy(`deploy echo-node:1 --name ${n} --auth none`)));

    const removals = await Promise.all(names.map((n) => say(product, `service delete ${n}`)));

    removals.forEach((removal, i) => {
      expect(removal.code, removal.output).toBe(0);
      expect(removal.stdout).toContain(`Service ${names[i]} is deleted.`);
      expect(removal.stdout).not.toContain('so far');
    });
  });
});

describe('a model whose init() raises', () => {
  it('fails the deploy, saying why and where to look', async () => {
    const result = await say(product, 'deploy crash-init:1 --name crashy');

    expect(result.code, result.output).toBe(1);
    expect(result.stdout).toMatch(/job [a-z0-9]+ — deploy crash-init:1 as crashy — failed/);
    expect(result.stdout).toMatch(/^Why: .*keeps failing to start/m);
    expect(result.stdout).toContain('RuntimeError: cannot load the model');
    expect(result.stdout).toContain('`service logs crashy`');
  });

  it('leaves the service shown as failed, with the reason', async () => {
    const show = await say(product, 'service show crashy');

    expect(show.code, show.output).toBe(0);
    expect(show.stdout).toMatch(/^Service `crashy` — failed on local$/m);
    expect(show.stdout).toMatch(/^Last error: .*cannot load the model/m);
    // Nothing runs, so nothing is served, whatever its share would be.
    expect(show.stdout).toContain('not running · serves 0 % now, 100 % once ready');
  });

  it('answers scoring with 503 naming the failed state, not 404', async () => {
    const answer = await score(product, 'crashy', { x: 1 });

    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.body)).toContain('crashy is failed');
  });

  it('shows the last runner lines with service logs --tail 5', async () => {
    const logs = await say(product, 'service logs crashy --tail 5');

    expect(logs.code, logs.output).toBe(0);
    expect(logs.stdout).toContain('Last 5 log lines of crashy:');
    const lines = /```\n([\s\S]*?)\n```/.exec(logs.stdout)?.[1]?.split('\n') ?? [];
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^\S+ \[crash-init-1#1\] /);
    expect(lines.at(-1)).toContain('shipmate-runner: init failed');
  });
});

it('restarts a replica that was killed and reports the restart', async () => {
  await deploy('deploy diabetes:1 --name sturdy');
  const { primary } = keysOf((await say(product, 'keys show sturdy')).stdout);
  const script = entryScript(models, 'diabetes');
  const [victim, ...others] = await runnerPids(script);
  if (victim === undefined || others.length > 0) throw new Error('expected one diabetes runner');

  process.kill(victim, 'SIGKILL');

  const replacement = await waitFor(
    async () => (await runnerPids(script)).find((pid) => pid !== victim),
    { what: 'a new diabetes runner process', timeoutMs: 15_000, intervalMs: 100 },
  );
  expect(replacement).not.toBe(victim);
  const answer = await waitFor(
    async () => {
      const scored = await score(product, 'sturdy', { data: diabetesRows }, { key: primary });
      return scored.status === 200 && scored;
    },
    { what: 'sturdy to score again', timeoutMs: 15_000, intervalMs: 100 },
  );
  expect(answer.version).toBe('diabetes-1');
  const show = await say(product, 'service show sturdy');
  expect(show.stdout).toMatch(
    /`diabetes-1` \(default\) — diabetes:1 · ready 1\/1 · 1 restart\(s\) · serves 100 %/,
  );
});

it('stops the processes and forgets the keys on service delete', async () => {
  await deploy('deploy echo-node:1 --name doomed');
  const { primary } = keysOf((await say(product, 'keys show doomed')).stdout);
  const script = entryScript(models, 'echo-node');
  const before = await runnerPids(script);
  const ok = await score(product, 'doomed', { x: 1 }, { key: primary });
  expect(ok.status).toBe(200);

  const removal = await say(product, 'service delete doomed');

  expect(removal.code, removal.output).toBe(0);
  expect(removal.stdout).toMatch(/job [a-z0-9]+ — delete service doomed — succeeded/);
  const gone = await score(product, 'doomed', { x: 1 }, { key: primary });
  expect(gone.status).toBe(404);
  expect(gone.body).toMatchObject({ error: { code: 'ServiceNotFound' } });
  await waitFor(async () => (await runnerPids(script)).length === before.length - 1, {
    what: "doomed's runner process to exit",
    timeoutMs: 5_000,
  });
  const keys = await say(product, 'keys show doomed');
  expect(keys.code).toBe(1);
  expect(keys.stderr).toContain('There is no service named doomed.');
});

it('brings services back after a restart, on the same keys, without a new deploy', async () => {
  await deploy('deploy diabetes:1 --name lasting');
  const keys = keysOf((await say(product, 'keys show lasting')).stdout);
  const first = product;

  await first.stop();
  running.delete(first);

  expect(await first.exited).toBe(0);
  expect(await runnerPids(entryScript(models, 'diabetes'))).toEqual([]);
  product = await start(first.home);
  const predict = await diabetesModel();
  for (const key of [keys.primary, keys.secondary]) {
    const answer = await waitFor(
      async () => {
        const scored = await score(product, 'lasting', { data: diabetesRows }, { key });
        return scored.status === 200 && scored;
      },
      { what: 'lasting to score after the restart', timeoutMs: 20_000, intervalMs: 100 },
    );
    expect((answer.body as number[])[0]).toBeCloseTo(predict(diabetesRows[0] ?? []), 6);
  }
});

it('refuses a second local runtime on the same Redis before it starts any model', async () => {
  const before = await runnerPids(entryScript(models, 'diabetes'));

  await expect(start()).rejects.toThrow(/already runs the local target on this Redis/);
  expect(await runnerPids(entryScript(models, 'diabetes'))).toEqual(before);
});
