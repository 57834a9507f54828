import type { App, RespondFn, SlashCommand } from '@slack/bolt';

import type { Command } from '../../commands/command.js';
import { parseCommand } from '../../commands/parse-command.js';
import type { ChatRequest, Reply } from '../../handlers/chat-request.js';
import { handleCommand } from '../../handlers/handle-command.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import { errorReply } from '../error-reply.js';
import { slackText } from './slack-text.js';
import { openDeployModal } from './slack-deploy-modal.js';

/** Options for {@link registerSlackCommands}. */
export interface SlackCommandsOptions {
  app: App;
  deps: HandlerDeps;
  logger: Logger;
  metrics: Metrics;
}

/**
 * `/ml …`: parse (no I/O), acknowledge at once, then do the work. Parse errors ride on the
 * ack as an ephemeral reply; everything found later is answered through the response URL.
 */
export function registerSlackCommands(options: SlackCommandsOptions): void {
  const { app, deps, metrics } = options;

  app.command('/ml', async ({ command, ack, respond: boltRespond, client }) => {
    const started = performance.now();
    const logger = options.logger.child({
      platform: 'slack',
      user: command.user_id,
      channel: command.channel_id,
      requestId: command.trigger_id,
    });

    // Bolt gives no respond function to a request that carries no response URL.
    const respond: Respond =
      typeof boltRespond === 'function'
        ? (message) => boltRespond(message).then(() => undefined)
        : () => {
            logger.warn('slash command without a response URL; reply dropped');
            return Promise.resolve();
          };

    // `/ml deploy` alone opens the deploy modal; its trigger id is valid for 3 s.
    if (/^deploy\s*$/i.test(command.text.trim())) {
      await ack();
      await openDeployModal({
        client,
        deps,
        triggerId: command.trigger_id,
        channelId: command.channel_id,
        userId: command.user_id,
        logger,
      }).catch((error: unknown) =>
        respond({ response_type: 'ephemeral', text: slackText(errorReply(error, logger)) }),
      );
      return;
    }

    let parsed: Command;
    try {
      parsed = parseCommand(command.text);
    } catch (error) {
      await ack({ response_type: 'ephemeral', text: slackText(errorReply(error, logger)) });
      metrics.ackSeconds.observe({ platform: 'slack' }, (performance.now() - started) / 1000);
      return;
    }
    await ack();
    metrics.ackSeconds.observe({ platform: 'slack' }, (performance.now() - started) / 1000);

    try {
      const reply = await handleCommand(parsed, requestOf(command), deps);
      await deliver(reply, respond);
    } catch (error) {
      await respond({
        response_type: 'ephemeral',
        text: slackText(errorReply(error, logger)),
      }).catch((failure: unknown) =>
        logger.warn({ err: failure }, 'could not answer through response URL'),
      );
    }
  });
}

type Respond = (message: Parameters<RespondFn>[0]) => Promise<void>;

function requestOf(command: SlashCommand): ChatRequest {
  return {
    platform: 'slack',
    userId: command.user_id,
    userName: command.user_name,
    channelId: command.channel_id,
    requestId: command.trigger_id,
    text: `/ml ${command.text}`.trim(),
  };
}

/** Ephemeral and secret replies go only to the asker; a job's status follows in the channel. */
async function deliver(reply: Reply, respond: Respond): Promise<void> {
  const text =
    reply.kind === 'job'
      ? `${reply.text}\nIts status follows in this channel; if no message appears, ` +
        'invite the Shipmate app to the channel.'
      : reply.text;
  await respond({ response_type: 'ephemeral', replace_original: false, text: slackText(text) });
}
