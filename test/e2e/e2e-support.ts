import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Product } from '../support/product.js';

/** The repository root: `shipmate say` runs from here, as a user's clone would. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What one `shipmate say` run showed the user. */
export interface SayResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for "the output says …" checks. */
  output: string;
}

const running = new Set<ChildProcess>();
const sayTimeoutMs = 50_000;

/** Runs `shipmate say "<text>"` against a product, the way a user types it in a terminal. */
export function say(
  product: Product,
  text: string,
  /** Variables to set, or (undefined) to leave out, for this run only. */
  env: Record<string, string | undefined> = {},
): Promise<SayResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'say', text], {
    cwd: repoRoot,
    env: Object.fromEntries(
      Object.entries({ ...product.env, ...env }).filter(([, value]) => value !== undefined),
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A hung command must not outlive the test that ran it.
  const timer = setTimeout(() => child.kill('SIGKILL'), sayTimeoutMs);

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

/** Kills `say` processes still running, e.g. after a test timed out. */
export function killStraySays(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** The keys of a `keys show` reply: its backticked key values, primary first. */
export function keysOf(reply: string): { primary: string; secondary: string } {
  const values = [...reply.matchAll(/`([^`\s]+)`/g)].map((m) => m[1] ?? '');
  const [primary, secondary] = values.filter((v) => /^[A-Za-z0-9_-]{32,}$/.test(v));
  if (primary === undefined || secondary === undefined) {
    throw new Error(`no primary and secondary key in the reply:\n${reply}`);
  }
  return { primary, secondary };
}

/** What the gateway answered. */
export interface Scored {
  status: number;
  /** The `azureml-model-deployment` header: the version that served the request. */
  version: string | null;
  contentType: string | null;
  body: unknown;
}

/** Sends a JSON scoring request to the product's gateway, with `key` as a Bearer token. */
export async function score(
  product: Product,
  service: string,
  body: unknown,
  init: { key?: string; authorization?: string; method?: string } = {},
): Promise<Scored> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const authorization = init.authorization ?? (init.key && `Bearer ${init.key}`);
  if (authorization) headers.authorization = authorization;
  const method = init.method ?? 'POST';
  const response = await fetch(`${product.gatewayUrl}/api/v1/service/${service}/score`, {
    method,
    headers,
    body: method === 'GET' ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the test sees the text and fails on its own terms.
  }
  return {
    status: response.status,
    version: response.headers.get('azureml-model-deployment'),
    contentType: response.headers.get('content-type'),
    body: parsed,
  };
}

/**
 * A temporary model registry: the test fixtures and the shipped diabetes sample, copied so
 * that runner processes of this test file can be told apart by their entry script's path.
 */
export async function makeModelsDir(scratch: string): Promise<string> {
  const models = path.join(scratch, 'models');
  await mkdir(models, { recursive: true });
  await cp(path.join(repoRoot, 'test/fixtures/models'), models, { recursive: true });
  await cp(path.join(repoRoot, 'models/diabetes'), path.join(models, 'diabetes'), {
    recursive: true,
  });
  return models;
}

/** The entry script of version 1 of a model in a registry folder. */
export function entryScript(models: string, model: string): string {
  const file = model === 'echo-node' ? 'score.mjs' : 'score.py';
  return path.join(models, model, '1', file);
}

/** Process ids of the runner processes started for an entry script (read from /proc). */
export async function runnerPids(script: string): Promise<number[]> {
  const wanted = `SHIPMATE_ENTRY_SCRIPT=${script}`;
  const entries = await readdir('/proc');
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    // A process may end while we look, or belong to someone else: skip it.
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(wanted)) pids.push(Number(entry));
  }
  return pids;
}

/** SIGKILLs runner processes of a script left behind by a failed test. */
export async function killRunners(script: string): Promise<void> {
  for (const pid of await runnerPids(script)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/** The diabetes sample's own linear model, read from its model.json. */
export async function diabetesModel(): Promise<(row: number[]) => number> {
  const file = path.join(repoRoot, 'models/diabetes/1/model.json');
  const model = JSON.parse(await readFile(file, 'utf8')) as {
    intercept: number;
    coefficients: number[];
  };
  return (row) =>
    row.reduce((sum, x, i) => sum + x * (model.coefficients[i] ?? NaN), model.intercept);
}

/** Two rows of Azure ML's diabetes example: 10 standardized features each. */
export const diabetesRows = [
  [0.0381, 0.0507, 0.0617, 0.0219, -0.0442, -0.0348, -0.0434, -0.0026, 0.0199, -0.0176],
  [-0.0019, -0.0446, -0.0515, -0.0263, -0.0084, -0.0192, 0.0744, -0.0395, -0.0683, -0.0922],
];
