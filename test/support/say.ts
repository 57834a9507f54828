import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What `shipmate say` printed and how it exited. */
export interface SayResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `shipmate say`, for tests that act while its job is under way. */
export interface SayProcess {
  output(): string;
  done: Promise<SayResult>;
}

/** Starts `shipmate say "<text>"` from source with the product's environment. */
export function startSay(text: string, env: Record<string, string>): SayProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/cli.ts'), 'say', text],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<SayResult>((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { output: () => stdout + stderr, done };
}

/** Runs `shipmate say "<text>"` to the end. */
export function say(text: string, env: Record<string, string>): Promise<SayResult> {
  return startSay(text, env).done;
}
