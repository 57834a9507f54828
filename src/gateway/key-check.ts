import { createHash, timingSafeEqual } from 'node:crypto';

import type { ServiceKeys } from '../targets/target.js';

/**
 * True when the bearer value matches either key. Both keys are always compared, and over
 * fixed-length digests, so the time taken says nothing about which key or how much matched.
 */
export function matchesKey(presented: string, keys: ServiceKeys): boolean {
  const given = digest(presented);
  const primary = timingSafeEqual(given, digest(keys.primary));
  const secondary = timingSafeEqual(given, digest(keys.secondary));
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
