import { alsoCountsAs } from '../approvals/also-counts-as.js';
import { refusedBy } from '../approvals/approval-gate.js';
import type { Command } from '../commands/command.js';
import type { ChatRequest } from './chat-request.js';
import type { HandlerDeps } from './handler-deps.js';

/**
 * Refuses a command that policy does not let this user run, before any work; the approval
 * gate asks again, with the full job, when a change is queued.
 */
export async function authorizeCommand(
  command: Command,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<void> {
  const fields = command as unknown as Record<string, unknown>;
  const name = [fields.service, fields.endpoint, fields.name].find(
    (value): value is string => typeof value === 'string',
  );
  const target =
    typeof fields.target === 'string'
      ? fields.target
      : name === undefined
        ? undefined
        : (await deps.services.get(name))?.target;

  const decision = deps.policy.decide({
    kind: command.kind,
    name,
    target,
    userId: request.userId,
    also: alsoCountsAs(command.kind, command),
  });
  if (decision.allowed) return;

  await deps.audit.append({
    action: 'refused',
    actor: { platform: request.platform, userId: request.userId, userName: request.userName },
    where: request.channelId,
    kind: command.kind,
    command: request.text.slice(0, 4000),
    ...(name === undefined ? {} : { service: name }),
    detail: `rule: ${decision.rule}`,
  });
  throw refusedBy(decision.rule);
}
