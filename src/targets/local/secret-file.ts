import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { z } from 'zod';

/**
 * Reads a JSON secret file written by {@link writeSecretFile}; undefined when it does not
 * exist. A file that exists but does not match the schema throws: it is never guessed at.
 */
export async function readSecretFile<T>(
  file: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  const raw = await readFile(file, 'utf8').catch(() => undefined);
  if (raw === undefined) return undefined;
  return schema.parse(JSON.parse(raw));
}

/**
 * Writes a JSON secret file with mode 0600 in a 0700 folder. Write then rename: a reader never
 * sees half a file, and the mode is set before any content is written.
 */
export async function writeSecretFile(file: string, value: unknown): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);

  // Two writers in one process (two jobs) must not share a temporary file either.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(value), { mode: 0o600, flag: 'wx' });
  await rename(temp, file);
}

/** 32 random bytes as base64url: 43 characters, safe in a header. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
