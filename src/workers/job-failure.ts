import { UnrecoverableError } from 'bullmq';

import { isShipmateError } from '../platform/errors.js';

/**
 * Maps an error from a step to what BullMQ should do: errors about the request itself
 * (bad input, missing model, name taken, not allowed) will not get better by retrying, so
 * they end the job; the rest are retried with backoff. The message becomes the job's failed
 * reason, which the status message shows, so it is always fit for a user.
 */
export function toJobFailure(error: unknown, step: string | undefined, ref: string): Error {
  const where = step ? ` (step: ${step})` : '';
  if (isShipmateError(error)) {
    const message = `${error.userMessage}${where}`;
    return error.kind === 'unavailable' || error.kind === 'internal'
      ? new Error(message)
      : new UnrecoverableError(message);
  }
  return new Error(`Unexpected failure${where}; the operators can find ref ${ref} in the log.`);
}
