import type { DeployCommand } from '../commands/command.js';
import { ConflictError, NotFoundError } from '../platform/errors.js';
import { jobIdFor } from '../queue/job-id.js';
import { formatModelRef } from '../registry/names.js';
import type { ChatRequest, Reply } from './chat-request.js';
import type { HandlerDeps } from './handler-deps.js';
import { originOf } from './origin-of.js';
import { authFrom, versionFromDeploy } from './version-from-deploy.js';

/** Checks a deploy against the registry and queues it; nothing is queued when a check fails. */
export async function handleDeploy(
  command: DeployCommand,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const config = command.config ? await deps.configs.get(command.config) : {};
  const version = versionFromDeploy(command, config);
  const auth = authFrom(command, config);

  const target = command.target ?? 'local';
  deps.targetFor(target);
  await Promise.all(command.models.map((ref) => deps.catalog.get(ref)));

  // A repeated delivery of this same request finds its own service: that is no clash.
  const origin = originOf(request);
  const existing = await deps.services.get(command.service);
  if (existing !== undefined && existing.jobId === jobIdFor(origin)) {
    return { kind: 'job', jobId: existing.jobId, text: `Already deploying: job ${existing.jobId}` };
  }
  if (existing !== undefined) {
    throw new ConflictError({
      code: 'service_exists',
      userMessage:
        `A service named ${command.service} already exists. Pick another --name, ` +
        `or remove it first with \`service delete ${command.service}\`.`,
    });
  }

  const jobId = await deps.producer.enqueue({
    kind: 'deploy',
    origin,
    service: command.service,
    target,
    auth,
    version,
  });
  const models = command.models.map(formatModelRef).join(', ');
  return { kind: 'job', jobId, text: `Deploying ${models} as ${command.service}: job ${jobId}` };
}

/** Throws the NotFoundError every service command gives for an unknown name. */
export function serviceNotFound(name: string): NotFoundError {
  return new NotFoundError({
    code: 'service_not_found',
    userMessage: `There is no service named ${name}. See \`service list\`.`,
  });
}
