import { ConflictError } from '../platform/errors.js';
import type { KeyName } from '../registry/key-name.js';
import type { ChatRequest, Reply } from './chat-request.js';
import { serviceNotFound } from './deploy-handler.js';
import type { HandlerDeps } from './handler-deps.js';
import { originOf } from './origin-of.js';

/**
 * `keys regen <service> --key primary|secondary`: queues the regeneration. The job carries
 * only which key; the target makes the new one, and it reaches the asker alone once the job
 * has succeeded (see key-handoff.ts).
 */
export async function handleKeysRegen(
  service: string,
  key: KeyName,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const record = await deps.services.get(service);
  if (record === undefined) throw serviceNotFound(service);
  if (record.auth !== 'key') throw noKeyAuth(service, record.auth);

  const jobId = await deps.producer.enqueue({
    kind: 'keys.regen',
    origin: originOf(request),
    service,
    key,
  });
  return {
    kind: 'job',
    jobId,
    text:
      `Regenerating the ${key} key of ${service}: job ${jobId}; ` +
      'once it succeeds the new key is sent to you alone',
  };
}

/** The refusal for a key command on a service that does not use key auth. */
export function noKeyAuth(service: string, auth: 'token' | 'none'): ConflictError {
  return new ConflictError({
    code: 'no_key_auth',
    userMessage:
      auth === 'token'
        ? `Service ${service} uses token auth, so it has no keys: ask \`token ${service}\`.`
        : `Service ${service} has auth off, so it has no keys. ` +
          `Turn key auth on with \`service update ${service} --auth key\`.`,
  });
}
