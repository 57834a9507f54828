import { createHash, randomUUID } from 'node:crypto';

import type { JobOrigin } from './job-origin.js';

/**
 * A short job id derived from the platform's request id, so a repeated delivery of the same
 * request maps to the same BullMQ job and is not run twice. Lowercase letters and digits only:
 * easy to type back as `job <id>`.
 */
export function jobIdFor(origin: Pick<JobOrigin, 'platform' | 'requestId'>): string {
  const digest = createHash('sha256').update(`${origin.platform}\n${origin.requestId}`).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString('hex')}`)
    .toString(36)
    .padStart(10, '0')
    .slice(0, 10);
}

/** A request id for sources that have none of their own (the console). */
export function newRequestId(): string {
  return randomUUID();
}
