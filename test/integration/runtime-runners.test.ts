import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../support/free-port.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const python = process.env.SHIPMATE_PYTHON ?? 'python3';
const pythonRunner = join(root, 'runtime/python/shipmate_runner.py');
const nodeRunner = join(root, 'runtime/node/runner.mjs');
const readyLine = /^shipmate-runner ready port=(\d+)$/m;
const addressInUse = 4;

const intercept = 152.13348416289597;
const coefficients = [
  -10.0098663, -239.81564367, 519.84592005, 324.3846455, -792.17563855, 476.73902101, 101.04326794,
  177.06323767, 751.27369956, 67.62669218,
];

/** A model version on disk: where it lives and which script answers for it. */
interface ModelVersion {
  name: string;
  folder: string;
  entry: string;
  runtime: 'python' | 'node';
}

interface Replica {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exit: Promise<number | null>;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  reusedSocket: boolean;
}

const children = new Set<ChildProcess>();
const agent = new Agent({ keepAlive: true });
let scratch = '';

function version(name: string, folder: string, entry = 'score.py', runtime = 'python') {
  return { name, folder, entry, runtime: runtime === 'node' ? 'node' : 'python' } as const;
}

const sample = (name: string): ModelVersion => version(name, join(root, 'models', name, '1'));
const fixture = (name: string, entry?: string, runtime?: string): ModelVersion =>
  version(name, join(root, 'test/fixtures/models', name, '1'), entry, runtime);

function runnerEnv(model: ModelVersion, port: number, extra: NodeJS.ProcessEnv = {}) {
  return {
    ...process.env,
    SHIPMATE_ENTRY_SCRIPT: join(model.folder, model.entry),
    SHIPMATE_SOURCE_DIR: model.folder,
    SHIPMATE_HOST: '127.0.0.1',
    SHIPMATE_PORT: String(port),
    AZUREML_MODEL_DIR: model.folder,
    SHIPMATE_MODEL_PATHS: JSON.stringify({ [model.name]: model.folder }),
    ...extra,
  };
}

function launch(model: ModelVersion, port: number, extra: NodeJS.ProcessEnv = {}): Replica {
  const command = model.runtime === 'python' ? python : process.execPath;
  const script = model.runtime === 'python' ? pythonRunner : nodeRunner;
  const child = spawn(command, [script], {
    env: runnerEnv(model, port, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  // 'close' waits for stdio to end, so stderr is complete once the exit code is known.
  const exit = once(child, 'close').then(([code]) => code as number | null);
  return { child, port, stderr: () => errors, exit };
}

async function whenReady(replica: Replica): Promise<number> {
  let output = '';
  const ready = new Promise<number>((resolve) => {
    replica.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = readyLine.exec(output);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
  });
  const exited = replica.exit.then((code) => {
    throw new Error(`runner exited with ${String(code)} before ready:\n${replica.stderr()}`);
  });
  return Promise.race([ready, exited]);
}

/** Starts a runner on a free port and waits for its ready line, retrying once if taken. */
async function start(model: ModelVersion, extra: NodeJS.ProcessEnv = {}): Promise<Replica> {
  for (let attempt = 1; ; attempt += 1) {
    const replica = launch(model, await freePort(), extra);
    try {
      replica.port = await whenReady(replica);
      return replica;
    } catch (error) {
      if (attempt > 1 || replica.child.exitCode !== addressInUse) throw error;
    }
  }
}

function send(port: number, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const { statusCode = 0, headers: answered } = res;
        const { reusedSocket } = req;
        resolve({ status: statusCode, headers: answered, body: text, reusedSocket });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function score(port: number, payload: unknown): Promise<Answer> {
  return send(port, 'POST', '/score', JSON.stringify(payload));
}

/** Polls /health until the runner accepts connections, which it does before init runs. */
async function firstHealth(port: number): Promise<Answer> {
  for (;;) {
    const answer = await send(port, 'GET', '/health').catch(() => undefined);
    if (answer !== undefined) return answer;
    await sleep(20);
  }
}

function predict(row: number[]): number {
  return row.reduce((sum, x, i) => sum + x * (coefficients[i] ?? Number.NaN), intercept);
}

/** Runs a Python one-liner against the azureml shim with a model's runner environment. */
async function shim(model: ModelVersion, code: string): Promise<{ code: number; out: string }> {
  const env = { ...runnerEnv(model, 0), PYTHONPATH: join(root, 'runtime/python') };
  const child = spawn(python, ['-B', '-c', code], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const [exitCode] = (await once(child, 'close')) as [number];
  return { code: exitCode, out: out.trim() };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shipmate-runner-'));
  await writeFile(
    join(scratch, 'score.mjs'),
    [
      'class ScoreError extends Error {}',
      "export function init() { if (process.env.CRASH_INIT) throw new Error('no weights'); }",
      "export function run() { throw new ScoreError('model exploded'); }",
    ].join('\n'),
  );
});

afterEach(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
});

afterAll(async () => {
  agent.destroy();
  await rm(scratch, { recursive: true, force: true });
});

describe('the Python runner', () => {
  it('predicts diabetes progression for each row with the sample linear model', async () => {
    const { port } = await start(sample('diabetes'));
    const rows = [
      [0.038, 0.051, 0.062, 0.022, -0.044, -0.035, -0.043, -0.003, 0.02, -0.018],
      [-0.002, -0.045, -0.051, -0.026, -0.008, -0.019, 0.074, -0.039, -0.068, -0.092],
    ];

    const answer = await score(port, { data: rows });

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    const predictions = JSON.parse(answer.body) as number[];
    expect(predictions).toHaveLength(2);
    rows.forEach((row, i) => expect(predictions[i]).toBeCloseTo(predict(row), 9));
  });

  it('refuses a diabetes row that is not 10 numbers with a ModelRunError naming it', async () => {
    const { port } = await start(sample('diabetes'));

    const answer = await score(port, { data: [Array(10).fill(0), [1, 2, 3]] });

    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'ModelRunError', message: 'ValueError: data[1] must be a list of 10 numbers' },
    });
  });

  it('answers health with ready once init has finished', async () => {
    const { port } = await start(fixture('raises'));

    const answer = await send(port, 'GET', '/health');

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ready' });
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
  });

  it('answers health with 503 while init is still running', async () => {
    const replica = launch(fixture('slow-init'), await freePort(), { SLOW_INIT_SECONDS: '1.5' });
    const ready = whenReady(replica);

    const early = await firstHealth(replica.port);
    await ready;
    const late = await send(replica.port, 'GET', '/health');

    expect(early.status).toBe(503);
    expect(late.status).toBe(200);
  });

  it('turns an exception in run into a 500 ModelRunError and prints its traceback', async () => {
    const replica = await start(fixture('raises'));

    const answer = await score(replica.port, { data: [] });

    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'ModelRunError', message: 'RuntimeError: model exploded' },
    });
    expect(replica.stderr()).toContain('Traceback (most recent call last)');
  });

  it('answers an unknown path with a 404 JSON error', async () => {
    const { port } = await start(fixture('raises'));

    const answer = await send(port, 'GET', '/nothing-here');

    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'NotFound' } });
  });

  it('gives get_model_path the folder of a model that holds several files', async () => {
    const model = fixture('multi-file');
    const { port } = await start(model);

    const answer = await score(port, {});

    expect(JSON.parse(answer.body)).toEqual({ path: model.folder });
  });

  it('gives get_model_path the single model file of the diabetes sample', async () => {
    const model = sample('diabetes');
    const code = "from azureml.core import Model; print(Model.get_model_path('diabetes'))";

    const result = await shim(model, code);

    expect(result).toEqual({ code: 0, out: join(model.folder, 'model.json') });
  });

  it('lists the registered models when get_model_path is asked for an unknown one', async () => {
    const code =
      'from azureml.core.model import Model, ModelNotFoundException\n' +
      "try: Model.get_model_path('absent')\nexcept ModelNotFoundException as exc: print(exc)";

    const result = await shim(sample('diabetes'), code);

    expect(result.out).toBe(
      "Model 'absent' is not deployed with this service; registered models: diabetes",
    );
  });

  it('exits with code 3 and a traceback when init raises', async () => {
    const replica = launch(fixture('crash-init'), await freePort());

    const code = await replica.exit;

    expect(code).toBe(3);
    expect(replica.stderr()).toContain('RuntimeError: cannot load the model');
  });

  it('runs one request at a time', async () => {
    const { port } = await start(fixture('slow-run'));
    const started = Date.now();

    const answers = await Promise.all([score(port, { sleep: 0.3 }), score(port, { sleep: 0.3 })]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(JSON.parse(answers[0]?.body ?? '')).toEqual({ slept: 0.3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(580);
  });

  it('keeps the connection open between requests', async () => {
    const { port } = await start(fixture('raises'));

    await send(port, 'GET', '/health');
    const second = await send(port, 'GET', '/health');

    expect(second.reusedSocket).toBe(true);
    expect(second.headers.connection).not.toBe('close');
  });

  it('reports the port it chose when asked to listen on port 0', async () => {
    const replica = launch(fixture('raises'), 0);

    const port = await whenReady(replica);

    expect(port).toBeGreaterThan(0);
    expect((await send(port, 'GET', '/health')).status).toBe(200);
  });

  it('finishes the request in flight and exits 0 on SIGTERM', async () => {
    const replica = await start(fixture('slow-run'));
    const inFlight = score(replica.port, { sleep: 0.4 });
    await sleep(150);

    replica.child.kill('SIGTERM');

    expect((await inFlight).status).toBe(200);
    expect(await replica.exit).toBe(0);
  });

  it('exits 0 on SIGTERM while init is still running', async () => {
    const replica = launch(fixture('slow-init'), await freePort(), { SLOW_INIT_SECONDS: '30' });
    expect((await firstHealth(replica.port)).status).toBe(503);

    replica.child.kill('SIGTERM');

    expect(await replica.exit).toBe(0);
  });
});

describe('the Node runner', () => {
  const echo = fixture('echo-node', 'score.mjs', 'node');
  const broken = (): ModelVersion => version('broken', scratch, 'score.mjs', 'node');

  it('echoes a JSON body as JSON and any other body as a string', async () => {
    const { port } = await start(echo);

    const json = await score(port, { a: [1, 2] });
    const text = await send(port, 'POST', '/score', 'plain words');

    expect(json.status).toBe(200);
    expect(JSON.parse(json.body)).toEqual({ echo: { a: [1, 2] } });
    expect(JSON.parse(text.body)).toEqual({ echo: 'plain words' });
    expect(json.headers['content-length']).toBe(String(Buffer.byteLength(json.body)));
  });

  it('runs one request at a time, in the order they came', async () => {
    const { port } = await start(echo);
    const started = Date.now();
    const finished: number[] = [];

    await Promise.all(
      [0, 1, 2].map((n) => score(port, { n, delayMs: 150 }).then(() => finished.push(n))),
    );

    expect(finished).toEqual([0, 1, 2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(430);
  });

  it('answers health with ready and keeps the connection open', async () => {
    const { port } = await start(echo);

    const first = await send(port, 'GET', '/health');
    const second = await send(port, 'GET', '/health');

    expect(JSON.parse(first.body)).toEqual({ status: 'ready' });
    expect(second.reusedSocket).toBe(true);
  });

  it('turns an error thrown by run into a 500 ModelRunError', async () => {
    const replica = await start(broken());

    const answer = await score(replica.port, {});

    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'ModelRunError', message: 'ScoreError: model exploded' },
    });
    expect(replica.stderr()).toContain('model exploded');
  });

  it('exits with code 3 when init throws', async () => {
    const replica = launch(broken(), await freePort(), { CRASH_INIT: '1' });

    expect(await replica.exit).toBe(3);
    expect(replica.stderr()).toContain('Error: no weights');
  });

  it('exits 0 on SIGTERM', async () => {
    const replica = await start(echo);

    replica.child.kill('SIGTERM');

    expect(await replica.exit).toBe(0);
  });
});
