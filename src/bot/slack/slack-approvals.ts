import type { App } from '@slack/bolt';
import { z } from 'zod';

import type { Command } from '../../commands/command.js';
import { handleCommand } from '../../handlers/handle-command.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import type { Logger } from '../../platform/logger.js';
import { errorReply } from '../error-reply.js';
import { slackText } from './slack-text.js';
import { approveActionId, rejectActionId } from './status-blocks.js';

/** Options for {@link registerSlackApprovals}. */
export interface SlackApprovalsOptions {
  app: App;
  deps: HandlerDeps;
  logger: Logger;
}

/** The parts of Slack's `block_actions` payload a button press relies on. */
const buttonPress = z.object({
  type: z.literal('block_actions'),
  user: z.object({
    id: z.string().min(1),
    username: z.string().optional(),
    name: z.string().optional(),
  }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  response_url: z.string().optional(),
  trigger_id: z.string().optional(),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().regex(/^[a-z0-9]{4,32}$/) }))
    .min(1),
});

/**
 * The Approve and Reject buttons of a status message. Bolt verified the request before it got
 * here; the press is acknowledged at once and then runs as `approve <id>` / `reject <id>`
 * would, so policy and the answers are the same. Answers go only to the presser.
 */
export function registerSlackApprovals(options: SlackApprovalsOptions): void {
  const { app, deps } = options;

  for (const actionId of [approveActionId, rejectActionId]) {
    app.action(actionId, async ({ ack, body, respond, client }) => {
      await ack();
      const parsed = buttonPress.safeParse(body);
      if (!parsed.success) {
        options.logger.warn({ issues: parsed.error.issues.length }, 'unexpected button payload');
        return;
      }

      const press = parsed.data;
      const jobId = press.actions[0]?.value ?? '';
      const logger = options.logger.child({ platform: 'slack', user: press.user.id, jobId });
      const command: Command =
        actionId === approveActionId
          ? { kind: 'approve', id: jobId }
          : { kind: 'reject', id: jobId, reason: undefined };
      const request = {
        platform: 'slack' as const,
        userId: press.user.id,
        userName: press.user.username ?? press.user.name ?? '',
        channelId: press.channel?.id ?? 'unknown',
        requestId: press.trigger_id ?? `${actionId}:${jobId}:${press.user.id}`,
        text: `/ml ${command.kind} ${jobId}`,
      };

      let text: string;
      try {
        text = slackText((await handleCommand(command, request, deps)).text);
      } catch (error) {
        text = slackText(errorReply(error, logger));
      }
      // Through the response URL when the press carries one, else as an ephemeral message.
      const answered =
        press.response_url !== undefined
          ? respond({ response_type: 'ephemeral', replace_original: false, text })
          : client.chat.postEphemeral({ channel: request.channelId, user: press.user.id, text });
      await answered.catch((failure: unknown) => {
        logger.warn({ err: failure }, 'could not answer a button press');
      });
    });
  }
}
