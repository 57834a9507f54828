import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import type { SecretRegistry } from '../../platform/secret-registry.js';
import type { ServiceKeys } from '../target.js';

const keyFile = z.object({ primary: z.string().min(32), secondary: z.string().min(32) });

/**
 * Scoring keys of local services: one JSON file per service under `<home>/keys`, mode 0600 in
 * a 0700 folder. Keys live with the target, never in Redis, jobs or chat history.
 */
export class KeyStore {
  readonly #dir: string;
  readonly #secrets: SecretRegistry;

  constructor(home: string, secrets: SecretRegistry) {
    this.#dir = path.join(home, 'keys');
    this.#secrets = secrets;
  }

  /** Reads the keys; undefined when the service has none. */
  async read(service: string): Promise<ServiceKeys | undefined> {
    const raw = await readFile(this.#file(service), 'utf8').catch(() => undefined);
    if (raw === undefined) return undefined;

    const keys = keyFile.parse(JSON.parse(raw));
    this.#secrets.add(keys.primary, keys.secondary);
    return keys;
  }

  /** Creates both keys unless the file exists. */
  async ensure(service: string): Promise<void> {
    if ((await this.read(service)) !== undefined) return;
    await this.#write(service, { primary: newKey(), secondary: newKey() });
  }

  async delete(service: string): Promise<void> {
    await rm(this.#file(service), { force: true });
  }

  async #write(service: string, keys: ServiceKeys): Promise<void> {
    this.#secrets.add(keys.primary, keys.secondary);
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await chmod(this.#dir, 0o700);

    // Write then rename: a reader never sees half a file, and the mode is set before content.
    const temp = `${this.#file(service)}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(keys), { mode: 0o600, flag: 'w' });
    await rename(temp, this.#file(service));
  }

  #file(service: string): string {
    return path.join(this.#dir, `${service}.json`);
  }
}

/** 32 random bytes as base64url: 43 characters, safe in a header. */
function newKey(): string {
  return randomBytes(32).toString('base64url');
}
