import { rm } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { ConflictError } from '../../platform/errors.js';
import type { SecretRegistry } from '../../platform/secret-registry.js';
import type { KeyName } from '../../registry/key-name.js';
import type { ServiceKeys } from '../target.js';
import { newSecret, readSecretFile, writeSecretFile } from './secret-file.js';

const keyFile = z.object({
  primary: z.string().min(32),
  secondary: z.string().min(32),
  /** The job that last regenerated each key, so a replayed job does not do it twice. */
  regeneratedBy: z.object({ primary: z.string(), secondary: z.string() }).partial().optional(),
});
type KeyFile = z.infer<typeof keyFile>;

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
    const keys = await this.#readFile(service);
    return keys && { primary: keys.primary, secondary: keys.secondary };
  }

  /** Creates both keys unless the file exists. */
  async ensure(service: string): Promise<void> {
    if ((await this.read(service)) !== undefined) return;
    await this.#write(service, { primary: newSecret(), secondary: newSecret() });
  }

  /**
   * Replaces one key with a new random one and keeps the other. A second call for the same
   * job finds its own mark and changes nothing: jobs are replayed.
   */
  async regenerate(service: string, which: KeyName, jobId: string): Promise<void> {
    const current = await this.#readFile(service);
    if (current === undefined) {
      throw new ConflictError({
        code: 'no_keys',
        userMessage: `Service ${service} has no keys: it does not use key auth.`,
      });
    }
    if (current.regeneratedBy?.[which] === jobId) return;

    await this.#write(service, {
      ...current,
      [which]: newSecret(),
      regeneratedBy: { ...current.regeneratedBy, [which]: jobId },
    });
  }

  async delete(service: string): Promise<void> {
    await rm(this.#file(service), { force: true });
  }

  async #readFile(service: string): Promise<KeyFile | undefined> {
    const keys = await readSecretFile(this.#file(service), keyFile);
    if (keys !== undefined) this.#secrets.add(keys.primary, keys.secondary);
    return keys;
  }

  async #write(service: string, keys: KeyFile): Promise<void> {
    this.#secrets.add(keys.primary, keys.secondary);
    await writeSecretFile(this.#file(service), keys);
  }

  #file(service: string): string {
    return path.join(this.#dir, `${service}.json`);
  }
}
