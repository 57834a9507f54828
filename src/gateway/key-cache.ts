import type { ServiceKeys } from '../targets/target.js';

/** Options for {@link createKeyCache}. */
export interface KeyCacheOptions {
  read: (service: string) => Promise<ServiceKeys | undefined>;
  /** Longest time a key change may go unseen when no change notice arrives. */
  ttlMs?: number;
}

/** The gateway's cached view of service keys; `invalidate` on every change notice. */
export interface KeyCache {
  get(service: string): Promise<ServiceKeys | undefined>;
  invalidate(service: string): void;
}

export function createKeyCache(options: KeyCacheOptions): KeyCache {
  const ttlMs = options.ttlMs ?? 2_000;
  const entries = new Map<string, { keys: Promise<ServiceKeys | undefined>; at: number }>();

  return {
    get(service: string): Promise<ServiceKeys | undefined> {
      const cached = entries.get(service);
      if (cached !== undefined && Date.now() - cached.at < ttlMs) return cached.keys;

      const keys = options.read(service).catch(() => undefined);
      entries.set(service, { keys, at: Date.now() });
      return keys;
    },
    invalidate(service: string): void {
      entries.delete(service);
    },
  };
}
