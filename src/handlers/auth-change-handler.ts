import type { AuthMode } from '../registry/service-record.js';
import type { ChatRequest, Reply } from './chat-request.js';
import { serviceNotFound } from './deploy-handler.js';
import type { HandlerDeps } from './handler-deps.js';
import { originOf } from './origin-of.js';

/** `service update <name> --auth key|token|none`: queues the switch unless already so. */
export async function handleAuthChange(
  service: string,
  auth: AuthMode,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const record = await deps.services.get(service);
  if (record === undefined) throw serviceNotFound(service);
  if (record.auth === auth) {
    return { kind: 'ephemeral', text: `Service ${service} already ${authWords(auth)}.` };
  }

  const jobId = await deps.producer.enqueue({
    kind: 'service.auth',
    origin: originOf(request),
    service,
    auth,
  });
  const change = auth === 'none' ? 'Turning auth off for' : `Switching to ${auth} auth on`;
  return { kind: 'job', jobId, text: `${change} ${service}: job ${jobId}` };
}

/** "uses key auth", "has auth off": how a service's auth reads in a sentence. */
export function authWords(auth: AuthMode): string {
  return auth === 'none' ? 'has auth off' : `uses ${auth} auth`;
}
