import type { ServiceKeys } from '../targets/target.js';
import { keyDigests, type KeyDigests } from './key-check.js';

/** Options for {@link createKeyCache}. */
export interface KeyCacheOptions {
  read: (service: string) => Promise<ServiceKeys | undefined>;
  /** Longest time a key change may go unseen when no change notice arrives. */
  ttlMs?: number;
}

/** The gateway's cached view of service keys; `invalidate` on every change notice. */
export interface KeyCache {
  get(service: string): Promise<KeyDigests | undefined>;
  invalidate(service: string): void;
}

export function createKeyCache(options: KeyCacheOptions): KeyCache {
  const ttlMs = options.ttlMs ?? 2_000;
  const entries = new Map<string, { keys: Promise<KeyDigests | undefined>; at: number }>();

  return {
    get(service: string): Promise<KeyDigests | undefined> {
      const cached = entries.get(service);
      if (cached !== undefined && Date.now() - cached.at < ttlMs) return cached.keys;

      // Digests, not keys: the comparison needs nothing else, and a secret held in memory
      // in fewer forms is a secret in fewer places.
      const keys = options
        .read(service)
        .then((read) => (read ? keyDigests(read) : undefined))
        .catch(() => undefined);
      entries.set(service, { keys, at: Date.now() });
      return keys;
    },
    invalidate(service: string): void {
      entries.delete(service);
    },
  };
}
