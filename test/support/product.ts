import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A running Shipmate process started from source, as a test drives it. */
export interface Product {
  ingressUrl: string;
  gatewayUrl: string;
  home: string;
  env: Record<string, string>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal without waiting. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for exit. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** Options for {@link startProduct}. */
export interface StartProductOptions {
  redisUrl: string;
  /** `up` (default), `serve`, `worker` or `gateway`. */
  role?: string;
  env?: Record<string, string>;
  /** Reuse a SHIPMATE_HOME, e.g. to restart the product on the same state. */
  home?: string;
  /** Wait for this text in the output before resolving; defaults to the start line. */
  readyText?: string;
}

/** Starts `shipmate <role>` from src/ with tsx, on free loopback ports and a private home. */
export async function startProduct(options: StartProductOptions): Promise<Product> {
  const home = options.home ?? (await mkdtemp(path.join(os.tmpdir(), 'shipmate-home-')));
  const port = await freePort();
  const gatewayPort = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? home,
    HOST: '127.0.0.1',
    PORT: String(port),
    GATEWAY_PORT: String(gatewayPort),
    REDIS_URL: options.redisUrl,
    SHIPMATE_HOME: home,
    SHIPMATE_MODELS: path.join(root, 'models'),
    LOG_LEVEL: 'debug',
    ...options.env,
  };

  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/cli.ts'), options.role ?? 'up'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  let done = false;
  void exited.then(() => (done = true));
  await waitFor(
    () => {
      if (done) throw new Error(`shipmate exited during start:\n${output}`);
      return output.includes(options.readyText ?? '"msg":"shipmate started"');
    },
    { what: 'shipmate to start', timeoutMs: 20_000, intervalMs: 50 },
  );

  return {
    ingressUrl: `http://127.0.0.1:${port}`,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    home,
    env,
    output: () => output,
    kill: (signal) => child.kill(signal),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    exited,
  };
}
