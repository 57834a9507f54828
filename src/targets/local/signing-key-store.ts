import { rm } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import type { SecretRegistry } from '../../platform/secret-registry.js';
import { newSecret, readSecretFile, writeSecretFile } from './secret-file.js';

const signingFile = z.object({ hs256: z.string().min(43) });

/**
 * The per-service key that signs scoring tokens (HS256, 32 random bytes), kept like the
 * scoring keys: `<home>/keys/<service>.signing.json`, mode 0600. Anyone who reads it can mint
 * tokens for that service and no other.
 */
export class SigningKeyStore {
  readonly #dir: string;
  readonly #secrets: SecretRegistry;

  constructor(home: string, secrets: SecretRegistry) {
    this.#dir = path.join(home, 'keys');
    this.#secrets = secrets;
  }

  /** The signing key's bytes; undefined when the service has none. */
  async read(service: string): Promise<Uint8Array | undefined> {
    const file = await readSecretFile(this.#file(service), signingFile);
    if (file === undefined) return undefined;

    this.#secrets.add(file.hs256);
    return Buffer.from(file.hs256, 'base64url');
  }

  /** Creates the signing key unless it exists; an existing key is kept. */
  async ensure(service: string): Promise<void> {
    if ((await this.read(service)) !== undefined) return;

    const hs256 = newSecret();
    this.#secrets.add(hs256);
    await writeSecretFile(this.#file(service), { hs256 });
  }

  async delete(service: string): Promise<void> {
    await rm(this.#file(service), { force: true });
  }

  #file(service: string): string {
    return path.join(this.#dir, `${service}.signing.json`);
  }
}
