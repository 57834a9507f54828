import type { Command } from '../commands/command.js';
import { helpText } from '../commands/help-text.js';
import { handleApprove, handleReject } from './approval-handler.js';
import { handleAudit } from './audit-handler.js';
import { authorizeCommand } from './authorize-command.js';
import type { ChatRequest, Reply } from './chat-request.js';
import { handleAuthChange } from './auth-change-handler.js';
import { handleDeploy } from './deploy-handler.js';
import { handleEndpointChange } from './endpoint-handler.js';
import type { HandlerDeps } from './handler-deps.js';
import { handleJob, handleJobs } from './jobs-handler.js';
import { handleKeysShow } from './keys-handler.js';
import { handleKeysRegen } from './keys-regen-handler.js';
import { handleModelList } from './model-handler.js';
import { handleService } from './service-handler.js';
import { handleToken } from './token-handler.js';

/** Runs a parsed command: read-only ones answer, changes become jobs. */
export async function handleCommand(
  command: Command,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  await authorizeCommand(command, request, deps);

  switch (command.kind) {
    case 'help':
      return { kind: 'ephemeral', text: helpText(command.topic) };
    case 'model.list':
      return handleModelList(deps);
    case 'deploy':
      return handleDeploy(command, request, deps);
    case 'service.list':
    case 'service.show':
    case 'service.logs':
    case 'service.delete':
      return handleService(command, request, deps);
    case 'service.update':
    case 'endpoint.version.add':
    case 'endpoint.version.update':
    case 'endpoint.version.delete':
    case 'traffic':
      return handleEndpointChange(command, request, deps);
    case 'keys.show':
      return handleKeysShow(command.service, request, deps);
    case 'jobs':
      return handleJobs(command.mine, request, deps);
    case 'job':
      return handleJob(command.id, deps);
    case 'keys.regen':
      return handleKeysRegen(command.service, command.key, request, deps);
    case 'token':
      return handleToken(command.service, request, deps);
    case 'service.auth':
      return handleAuthChange(command.service, command.auth, request, deps);
    case 'approve':
      return handleApprove(command.id, request, deps);
    case 'reject':
      return handleReject(command.id, command.reason, request, deps);
    case 'audit':
      return handleAudit(command.service, command.limit, deps);
  }
}
