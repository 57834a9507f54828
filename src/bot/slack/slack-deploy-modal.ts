import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

import { findSpec } from '../../commands/parse-command.js';
import type { ChatRequest } from '../../handlers/chat-request.js';
import { handleCommand } from '../../handlers/handle-command.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import type { Logger } from '../../platform/logger.js';
import { errorReply } from '../error-reply.js';
import { slackText } from './slack-text.js';
import { deployModal, deployModalId, fieldErrors, readDeploySubmission } from './deploy-modal.js';

/** Options for {@link openDeployModal}. */
export interface OpenDeployModalOptions {
  client: WebClient;
  deps: HandlerDeps;
  triggerId: string;
  channelId: string;
  userId: string;
  logger: Logger;
}

/** `/ml deploy` with nothing after it: the modal, opened with the command's trigger id. */
export async function openDeployModal(options: OpenDeployModalOptions): Promise<void> {
  const { client, channelId, userId } = options;
  const models = await options.deps.catalog.list();
  if (models.length === 0) {
    await client.chat.postEphemeral({
      channel: channelId,
      user: userId,
      text: 'No models are registered (SHIPMATE_MODELS is empty), so there is nothing to deploy.',
    });
    return;
  }
  await client.views.open({ trigger_id: options.triggerId, view: deployModal(models, channelId) });
}

/** Options for {@link registerDeployModal}. */
export interface DeployModalOptions {
  app: App;
  deps: HandlerDeps;
  logger: Logger;
}

/**
 * The modal's submission, answered within Slack's 3 s: field errors go back in the ack (no
 * I/O before it); a valid deploy closes the modal and then runs as the text `deploy` would,
 * with anything found later sent to the user as an ephemeral message in the channel.
 */
export function registerDeployModal(options: DeployModalOptions): void {
  const { app, deps } = options;
  const schema = findSpec(['deploy'])?.schema;
  if (schema === undefined) throw new Error('the deploy command spec is missing');

  app.view(deployModalId, async ({ ack, body, view, client }) => {
    const submission = readDeploySubmission(view);
    if (submission === undefined) {
      await ack({ response_action: 'errors', errors: { name: 'This form is out of date.' } });
      return;
    }
    const parsed = schema.safeParse(submission.input);
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(parsed.error) });
      return;
    }
    await ack();

    const logger = options.logger.child({ platform: 'slack', user: body.user.id });
    const request: ChatRequest = {
      platform: 'slack',
      userId: body.user.id,
      userName: body.user.name,
      channelId: submission.channelId,
      // One submission of one view; a retried delivery carries the same view id.
      requestId: `view:${view.id}`,
      text: submission.text,
    };
    let text: string;
    try {
      const reply = await handleCommand(parsed.data, request, deps);
      text =
        reply.kind === 'job' ? `${reply.text}. Its status follows in this channel.` : reply.text;
    } catch (error) {
      text = errorReply(error, logger);
    }
    await client.chat
      .postEphemeral({ channel: submission.channelId, user: body.user.id, text: slackText(text) })
      .catch((failure: unknown) => logger.warn({ err: failure }, 'could not answer a modal'));
  });
}
