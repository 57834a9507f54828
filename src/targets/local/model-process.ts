import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import type { Logger } from '../../platform/logger.js';
import type { RegisteredModel } from '../../registry/model-catalog.js';
import { modelEnvironment } from './model-environment.js';

const runtimeDir = fileURLToPath(new URL('../../../runtime/', import.meta.url));

/** Where a replica is in its life. */
export type ReplicaState = 'starting' | 'ready' | 'crashed' | 'stopped';

/** Options for {@link ModelProcess}. */
export interface ModelProcessOptions {
  /** Label used in logs: `<version>#<n>`. */
  label: string;
  models: RegisteredModel[];
  python: string;
  logger: Logger;
  /** Receives every line the process prints, already labelled and masked. */
  writeLog: (line: string) => void;
  /** True for a value the process knows as a secret: withheld from the model's environment. */
  isSecret: (value: string) => boolean;
  /** Masks known secrets in what the model says, before it reaches a log or a chat reply. */
  mask: (text: string) => string;
  /** After this many crashes in a row without becoming ready, the replica counts as failing. */
  failAfter?: number;
  maxBackoffMs?: number;
}

/**
 * One replica of a model version: an Azure ML entry script in a runner process, restarted
 * with backoff when it dies. Emits `change` whenever its state changes.
 */
export class ModelProcess extends EventEmitter<{ change: [] }> {
  state: ReplicaState = 'starting';
  port = 0;
  restarts = 0;
  /** Crashes since the replica was last ready. */
  crashesInARow = 0;
  lastError: string | undefined;

  readonly #options: ModelProcessOptions;
  #child: ChildProcess | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #stderrTail: string[] = [];

  constructor(options: ModelProcessOptions) {
    super();
    this.#options = options;
  }

  get failing(): boolean {
    return this.crashesInARow >= (this.#options.failAfter ?? 3);
  }

  /** Spawns the runner; readiness and crashes arrive as `change` events. */
  start(): void {
    if (this.state === 'stopped') return;

    const primary = this.#options.models[0];
    if (primary === undefined) throw new Error('a replica needs at least one model');

    const modelPaths = Object.fromEntries(this.#options.models.map((m) => [m.name, m.dir]));
    const env = modelEnvironment(process.env, (value) => this.#options.isSecret(value), {
      SHIPMATE_ENTRY_SCRIPT: primary.entryScript,
      SHIPMATE_SOURCE_DIR: primary.sourceDir,
      SHIPMATE_HOST: '127.0.0.1',
      // Port 0: the runner binds a free port and names it in its ready line, so no race.
      SHIPMATE_PORT: '0',
      SHIPMATE_MODEL_PATHS: JSON.stringify(modelPaths),
      SHIPMATE_PARENT_PID: String(process.pid),
      // Azure ML points AZUREML_MODEL_DIR at the model's folder; with several models, at
      // the folder that holds them all.
      AZUREML_MODEL_DIR: this.#options.models.length === 1 ? primary.dir : commonRoot(modelPaths),
      PYTHONUNBUFFERED: '1',
    });
    const [command, args] =
      primary.runtime === 'python'
        ? [this.#options.python, [`${runtimeDir}python/shipmate_runner.py`]]
        : [process.execPath, [`${runtimeDir}node/runner.mjs`]];

    const child = spawn(command, args, { env, cwd: primary.sourceDir, stdio: 'pipe' });
    this.#child = child;
    this.#stderrTail = [];
    this.#setState('starting');

    createInterface({ input: child.stdout }).on('line', (line) => {
      this.#options.writeLog(this.#options.mask(`[${this.#options.label}] ${line}`));
      const ready = /^shipmate-runner ready port=(\d+)/.exec(line);
      if (ready) this.#becameReady(Number(ready[1]));
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.#options.writeLog(this.#options.mask(`[${this.#options.label}] ${line}`));
      this.#stderrTail = [...this.#stderrTail.slice(-19), this.#options.mask(line)];
    });
    child.once('error', (error) => {
      this.#stderrTail.push(`could not start ${command}: ${error.message}`);
    });
    child.once('close', (code, signal) => this.#exited(child, code, signal));
  }

  /** Stops the replica for good; resolves once the process is gone. */
  async stop(): Promise<void> {
    this.#setState('stopped');
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;

    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  #becameReady(port: number): void {
    this.port = port;
    this.crashesInARow = 0;
    this.#setState('ready');
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child || this.state === 'stopped') return;

    this.restarts += 1;
    this.crashesInARow += 1;
    const lastWords = lastMeaningfulLines(this.#stderrTail);
    this.lastError = `exited with ${signal ?? `code ${code}`}${lastWords ? `: ${lastWords}` : ''}`;
    this.#options.logger.warn(
      { replica: this.#options.label, code, signal, restarts: this.restarts },
      'model process exited; restarting',
    );
    this.#setState('crashed');

    const backoff = Math.min(
      500 * 2 ** (this.crashesInARow - 1),
      this.#options.maxBackoffMs ?? 30_000,
    );
    this.#restartTimer = setTimeout(() => this.start(), backoff);
  }

  #setState(state: ReplicaState): void {
    if (this.state === 'stopped' && state !== 'stopped') return;
    this.state = state;
    this.emit('change');
  }
}

function lastMeaningfulLines(lines: string[]): string {
  const text = lines
    .filter((l) => l.trim() !== '')
    .slice(-2)
    .join(' | ');
  return text.length > 400 ? `…${text.slice(-400)}` : text;
}

function commonRoot(paths: Record<string, string>): string {
  const dirs = Object.values(paths).map((dir) => dir.split('/'));
  const first = dirs[0] ?? [];
  let i = 0;
  while (i < first.length && dirs.every((d) => d[i] === first[i])) i += 1;
  return first.slice(0, i).join('/') || '/';
}
