import type { ChatRequest, Reply } from './chat-request.js';
import { serviceNotFound } from './deploy-handler.js';
import type { HandlerDeps } from './handler-deps.js';

/** `keys show <service>`: the keys, primary first, as a secret reply for the asker only. */
export async function handleKeysShow(
  service: string,
  _request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const record = await deps.services.get(service);
  if (record === undefined) throw serviceNotFound(service);
  if (record.auth === 'none') {
    return { kind: 'ephemeral', text: `Service ${service} has auth off: it needs no key.` };
  }
  if (record.auth === 'token') {
    return {
      kind: 'ephemeral',
      text: `Service ${service} uses token auth: ask \`token ${service}\`.`,
    };
  }

  const keys = await deps.targetFor(record.target).readKeys(service);
  if (keys === undefined) {
    return {
      kind: 'ephemeral',
      text: `Service ${service} has no keys yet; its deploy may still be running (see \`jobs\`).`,
    };
  }
  return {
    kind: 'secret',
    text:
      `Keys for ${service} (only you can see this):\n` +
      `primary: \`${keys.primary}\`\nsecondary: \`${keys.secondary}\`\n` +
      'Send one as `Authorization: Bearer <key>`.',
  };
}
