import { createHash, timingSafeEqual } from 'node:crypto';

import type { ServiceKeys } from '../targets/target.js';

/** SHA-256 digests of a service's keys, computed once when the keys are loaded. */
export interface KeyDigests {
  primary: Buffer;
  secondary: Buffer;
}

export function keyDigests(keys: ServiceKeys): KeyDigests {
  return { primary: digest(keys.primary), secondary: digest(keys.secondary) };
}

/**
 * True when the bearer value matches either key. Both keys are always compared, and over
 * fixed-length digests, so the time taken says nothing about which key or how much matched.
 */
export function matchesKey(presented: string, keys: KeyDigests): boolean {
  const given = digest(presented);
  const primary = timingSafeEqual(given, keys.primary);
  const secondary = timingSafeEqual(given, keys.secondary);
  return primary || secondary;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
