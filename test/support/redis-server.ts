import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/** A private redis-server child process, bound to 127.0.0.1 on a free port. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Process id of the redis-server. */
  pid: number;
  /** Stops the server, waits for it to exit and removes its temporary directory. */
  stop(): Promise<void>;
}

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /** The executable to run. Default `redis-server` from PATH. */
  binary?: string;
  /** How long to wait for the first PONG. Default 10000 ms. */
  startTimeoutMs?: number;
}

// The machine's shared Redis listens here; a test must never reach it.
const sharedRedisPort = 6379;
const attempts = 3;

/**
 * Starts a throwaway redis-server with no persistence, in a temporary directory, and resolves
 * once it answers PING. Retries on another port if the chosen one was taken meanwhile.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  let lastError: unknown;

  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const port = await freePort();
    if (port === sharedRedisPort) continue;

    try {
      return await startOn(port, options);
    } catch (error) {
      lastError = error;
    }
  }

  throw new Error(`startRedis: no redis-server started after ${attempts} attempts`, {
    cause: lastError,
  });
}

async function startOn(port: number, options: StartRedisOptions): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'shipmate-redis-'));
  const args = [
    ['--port', String(port)],
    ['--bind', '127.0.0.1'],
    ['--save', ''],
    ['--appendonly', 'no'],
    ['--daemonize', 'no'],
    ['--dir', dir],
  ].flat();
  const child = spawn(options.binary ?? 'redis-server', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await killAndWait(child);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      async () => {
        if (spawnError !== undefined) throw spawnError;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`redis-server exited early: ${output.join('').slice(-2000)}`);
        }
        return ping(port);
      },
      {
        what: `redis-server on port ${port} to answer PING`,
        timeoutMs: options.startTimeoutMs ?? 10_000,
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  if (child.pid === undefined) throw new Error('startRedis: redis-server has no pid');
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid, stop };
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Sends an inline PING; resolves true on `+PONG`, false when nothing useful answered. */
async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };

    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.once('end', () => finish(false));
  });
}
