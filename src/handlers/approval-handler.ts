import type { DecisionMaker } from '../approvals/approval-decisions.js';
import type { ChatRequest, Reply } from './chat-request.js';
import type { HandlerDeps } from './handler-deps.js';

/** `approve <id>`: the same as the Approve button. */
export async function handleApprove(
  id: string,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const result = await deps.decisions.approve(id, deciderOf(request));
  return result.queued
    ? { kind: 'job', jobId: id, text: result.text }
    : { kind: 'ephemeral', text: result.text };
}

/** `reject <id> [--reason TEXT]`: the same as the Reject button, with a reason. */
export async function handleReject(
  id: string,
  reason: string | undefined,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const result = await deps.decisions.reject(id, deciderOf(request), reason);
  return { kind: 'ephemeral', text: result.text };
}

function deciderOf(request: ChatRequest): DecisionMaker {
  return {
    platform: request.platform,
    userId: request.userId,
    userName: request.userName,
    channelId: request.channelId,
  };
}
