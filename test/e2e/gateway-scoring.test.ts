import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

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
  say,
  score,
  type SayResult,
} from './e2e-support.js';

// Each test runs the CLI a few times, and each run loads the product from source.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
const maxBodyBytes = 1024;
const rows = { data: diabetesRows };

let redis: RedisServer | undefined;
let product: Product;
let stopProduct = (): Promise<void> => Promise.resolve();
let scratch: string;
let models: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'shipmate-e2e-gateway-'));
  models = await makeModelsDir(scratch);
  const configs = path.join(scratch, 'deploymentconfigs');
  await mkdir(configs);
  await writeFile(path.join(configs, 'impatient.json'), JSON.stringify({ scoringTimeoutMs: 500 }));

  redis = await startRedis();
  const started = await startProduct({
    redisUrl: redis.url,
    env: {
      SHIPMATE_MODELS: models,
      SHIPMATE_CONFIGS: configs,
      SHIPMATE_MAX_BODY_BYTES: String(maxBodyBytes),
    },
  });
  product = started;
  stopProduct = async () => {
    await started.stop();
    await rm(started.home, { recursive: true, force: true });
  };
});

afterAll(async () => {
  killStraySays();
  await stopProduct();
  await redis?.stop();
  for (const model of ['diabetes', 'raises', 'echo-node', 'slow-run']) {
    await killRunners(entryScript(models, model));
  }
  await rm(scratch, { recursive: true, force: true });
});

/** The `{ error: { code, message } }` body of a gateway or model error. */
const errorBody = (code: string, message: RegExp | string = /\S/) => ({
  error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message) },
});

describe('a diabetes service deployed with key auth', () => {
  let deploy: SayResult;
  let keys: { primary: string; secondary: string };

  beforeAll(async () => {
    deploy = await say(product, 'deploy diabetes:1 --name diabetes');
    keys = keysOf((await say(product, 'keys show diabetes')).stdout);
  });

  it('reports the deploy as a job that succeeded, and exits 0', () => {
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.stdout).toMatch(/job [a-z0-9]+ — deploy diabetes:1 as diabetes — succeeded/);
    expect(deploy.stdout).toContain('✓ wait until ready');
  });

  it('answers each row with the linear model of the sample', async () => {
    const predict = await diabetesModel();

    const answer = await score(product, 'diabetes', rows, { key: keys.primary });

    expect(answer.status).toBe(200);
    expect(answer.version).toBe('diabetes-1');
    expect(answer.contentType).toMatch(/^application\/json/);
    const predictions = answer.body as number[];
    expect(predictions).toHaveLength(2);
    diabetesRows.forEach((row, i) => expect(predictions[i]).toBeCloseTo(predict(row), 6));
  });

  it('opens the service with the secondary key as well as the primary', async () => {
    expect(keys.secondary).not.toBe(keys.primary);

    for (const key of [keys.primary, keys.secondary]) {
      const answer = await score(product, 'diabetes', rows, { key });
      expect(answer.status).toBe(200);
    }
  });

  it('refuses a request without a key with 401 and a JSON error', async () => {
    const answer = await score(product, 'diabetes', rows);

    expect(answer.status).toBe(401);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body).toEqual(errorBody('Unauthorized', /Bearer/));
  });

  it('refuses a wrong key with 401', async () => {
    const wrong = `${keys.primary.slice(0, -4)}AAAA`;

    const answer = await score(product, 'diabetes', rows, { key: wrong });

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(errorBody('Unauthorized', /does not open service diabetes/));
  });

  it('refuses a valid key sent with the Basic scheme with 401', async () => {
    const authorization = `Basic ${keys.primary}`;

    const answer = await score(product, 'diabetes', rows, { authorization });

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(errorBody('Unauthorized', /Bearer/));
  });

  it('answers 404 for a service that does not exist', async () => {
    const answer = await score(product, 'no-such-service', rows, { key: keys.primary });

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual(errorBody('ServiceNotFound', /no-such-service/));

    // A name no service could have is just as unknown, not a wrong URL.
    const invalid = await score(product, 'tk', rows, { key: keys.primary });
    expect(invalid.status).toBe(404);
    expect(invalid.body).toEqual(errorBody('ServiceNotFound', /no service/));
  });

  it('answers 405 to a GET on the scoring URL', async () => {
    const answer = await score(product, 'diabetes', undefined, {
      method: 'GET',
      key: keys.primary,
    });

    expect(answer.status).toBe(405);
    expect(answer.body).toEqual(errorBody('MethodNotAllowed', /POST/));
  });

  it('refuses a body over the size limit with 413 and keeps serving', async () => {
    const padded = { ...rows, padding: 'x'.repeat(maxBodyBytes) };

    const tooBig = await score(product, 'diabetes', padded, { key: keys.primary });

    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual(errorBody('BodyTooLarge', new RegExp(`${maxBodyBytes} bytes`)));
    const after = await score(product, 'diabetes', rows, { key: keys.primary });
    expect(after.status).toBe(200);
  });

  it('never writes a key into its own log', () => {
    expect(product.output()).not.toContain(keys.primary);
    expect(product.output()).not.toContain(keys.secondary);
  });
});

describe('a model whose run raises', () => {
  let keys: { primary: string; secondary: string };

  beforeAll(async () => {
    const deploy = await say(product, 'deploy raises:1 --name raiser');
    expect(deploy.code, deploy.output).toBe(0);
    keys = keysOf((await say(product, 'keys show raiser')).stdout);
  });

  it("answers 500 with the model's ModelRunError and the version that ran", async () => {
    const answer = await score(product, 'raiser', rows, { key: keys.primary });

    expect(answer.status).toBe(500);
    expect(answer.version).toBe('raises-1');
    expect(answer.body).toEqual(errorBody('ModelRunError', /RuntimeError: model exploded/));
  });
});

describe('a service deployed with --auth none', () => {
  let deploy: SayResult;

  beforeAll(async () => {
    deploy = await say(product, 'deploy echo-node:1 --name open-echo --auth none');
  });

  it('scores without any key', async () => {
    expect(deploy.code, deploy.output).toBe(0);

    const answer = await score(product, 'open-echo', { hello: 'world' });

    expect(answer.status).toBe(200);
    expect(answer.version).toBe('echo-node-1');
    expect(answer.body).toEqual({ echo: { hello: 'world' } });
  });

  it('is shown with auth off, and has no keys to show', async () => {
    const show = await say(product, 'service show open-echo');
    expect(show.code, show.output).toBe(0);
    expect(show.stdout).toMatch(/^Auth: off\b/m);

    const keys = await say(product, 'keys show open-echo');
    expect(keys.stdout).toContain('auth off');
    expect(keys.stdout).not.toMatch(/`[A-Za-z0-9_-]{32,}`/);
  });
});

describe('a service whose deployment configuration sets a 500 ms scoring timeout', () => {
  let deploy: SayResult;

  beforeAll(async () => {
    deploy = await say(product, 'deploy slow-run:1 --name sleepy --auth none --config impatient');
  });

  it('deploys with the timeout from the configuration', async () => {
    expect(deploy.code, deploy.output).toBe(0);

    const show = await say(product, 'service show sleepy');
    expect(show.stdout).toContain('timeout 0.5 s');
  });

  it('answers 504 from the gateway when run takes longer', async () => {
    const started = Date.now();
    const answer = await score(product, 'sleepy', { sleep: 2 });

    expect(answer.status).toBe(504);
    expect(answer.version).toBe('slow-run-1');
    expect(answer.body).toEqual(errorBody('ScoringTimeout', /500 ms/));
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it('answers 504 close to the configured 500 ms, not a second later', async () => {
    const started = Date.now();
    const answer = await score(product, 'sleepy', { sleep: 2 });

    expect(answer.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('answers again once the slow run is over', async () => {
    const answer = await waitFor(
      async () => {
        const quick = await score(product, 'sleepy', { sleep: 0 });
        return quick.status === 200 && quick;
      },
      { what: 'sleepy to answer a quick request', timeoutMs: 10_000, intervalMs: 200 },
    );

    expect(answer.body).toEqual({ slept: 0 });
  });
});
