import type { ChatRequest, Reply } from './chat-request.js';
import { serviceNotFound } from './deploy-handler.js';
import type { HandlerDeps } from './handler-deps.js';

/** `token <service>`: a fresh scoring token and its refresh-by time, for the asker only. */
export async function handleToken(
  service: string,
  _request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const record = await deps.services.get(service);
  if (record === undefined) throw serviceNotFound(service);
  if (record.auth === 'none') {
    return { kind: 'ephemeral', text: `Service ${service} has auth off: it needs no token.` };
  }
  if (record.auth === 'key') {
    return {
      kind: 'ephemeral',
      text:
        `Service ${service} uses key auth, not tokens: see \`keys show ${service}\`, or switch ` +
        `with \`service update ${service} --auth token\`.`,
    };
  }

  const issued = await deps.targetFor(record.target).issueToken(service);
  if (issued === undefined) {
    return {
      kind: 'ephemeral',
      text: `Service ${service} has no token signing key yet; its job may still be running.`,
    };
  }
  return {
    kind: 'secret',
    text:
      `Token for ${service} (only you can see this):\n\`${issued.token}\`\n` +
      `Refresh by ${utc(issued.refreshBy)}; it expires at ${utc(issued.expiresAt)}. ` +
      'Send it as `Authorization: Bearer <token>`.',
  };
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
