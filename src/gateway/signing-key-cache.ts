/** Options for {@link createSigningKeyCache}. */
export interface SigningKeyCacheOptions {
  read: (service: string) => Promise<Uint8Array | undefined>;
  /** Longest time a changed signing key may go unseen when no change notice arrives. */
  ttlMs?: number;
}

/** The gateway's cached token signing keys, one per service; `invalidate` on change notices. */
export interface SigningKeyCache {
  get(service: string): Promise<Uint8Array | undefined>;
  invalidate(service: string): void;
}

/**
 * Caches the key that verifies a service's tokens the way the key cache holds key digests:
 * verifying a token then costs one HMAC and no file read.
 */
export function createSigningKeyCache(options: SigningKeyCacheOptions): SigningKeyCache {
  const ttlMs = options.ttlMs ?? 2_000;
  const entries = new Map<string, { key: Promise<Uint8Array | undefined>; at: number }>();

  return {
    get(service: string): Promise<Uint8Array | undefined> {
      const cached = entries.get(service);
      if (cached !== undefined && Date.now() - cached.at < ttlMs) return cached.key;

      const key = options.read(service).catch(() => undefined);
      entries.set(service, { key, at: Date.now() });
      return key;
    },
    invalidate(service: string): void {
      entries.delete(service);
    },
  };
}
