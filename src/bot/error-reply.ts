import { randomUUID } from 'node:crypto';

import { isShipmateError, userMessageOf } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';

/**
 * The chat reply for a failed command, the one place errors become words for a user. Input
 * errors carry the usage line; unknown errors get a correlation id and go to the log.
 */
export function errorReply(error: unknown, logger: Logger): string {
  const correlationId = randomUUID().slice(0, 8);
  if (isRedisDown(error)) {
    logger.error({ err: error, correlationId }, 'Redis unreachable while handling a command');
    return (
      'Not done: Shipmate cannot reach its Redis right now, so nothing was queued or ' +
      'changed. Try again shortly.'
    );
  }
  if (!isShipmateError(error)) {
    logger.error({ err: error, correlationId }, 'command failed unexpectedly');
    return userMessageOf(error, correlationId);
  }

  logger.warn({ code: error.code, correlationId }, 'command refused');
  const usage = 'usage' in error && typeof error.usage === 'string' ? error.usage : undefined;
  return usage ? `${error.userMessage}\nUsage: \`${usage}\`` : error.userMessage;
}

/** ioredis' signatures for a connection that is down (offline queue off, retries spent). */
function isRedisDown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED/.test(error.message);
}
