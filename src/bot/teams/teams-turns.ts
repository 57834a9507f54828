import type { Activity, TurnContext } from 'botbuilder';

import type { Command } from '../../commands/command.js';
import { parseCommand } from '../../commands/parse-command.js';
import type { ChatRequest, Reply } from '../../handlers/chat-request.js';
import { handleCommand } from '../../handlers/handle-command.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import { originOf } from '../../handlers/origin-of.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import { jobIdFor } from '../../queue/job-id.js';
import { errorReply } from '../error-reply.js';
import { textActivity } from './card-text.js';
import { answerCardAction } from './teams-card-actions.js';
import type { TeamsApprovers } from './teams-approvers.js';
import { teamsCommandText } from './teams-command-text.js';
import { referenceOf, type TeamsDirectory } from './teams-directory.js';
import type { TeamsOutbox, Where } from './teams-outbox.js';
import type { TeamsSecrets } from './teams-secrets.js';
import { senderOf } from './teams-sender.js';

/** Options for {@link createTeamsTurns}. */
export interface TeamsTurnsOptions {
  deps: HandlerDeps;
  directory: TeamsDirectory;
  outbox: TeamsOutbox;
  approvers: TeamsApprovers;
  secrets: TeamsSecrets;
  logger: Logger;
  metrics: Metrics;
}

/**
 * What the bot does with an authenticated activity. A message is answered at once (the HTTP
 * 200 is the acknowledgement) and its command runs after, its replies going out through the
 * paced outbox; a card action is answered in the invoke's own response, as Teams requires.
 */
export function createTeamsTurns(
  options: TeamsTurnsOptions,
): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const activity = context.activity;
    // Knowing the conversation is what lets the bot post its status cards there later. It is
    // recorded beside the work, never before the answer: a slow Redis must not hold it.
    const remembered = options.directory.remember(activity).catch((error: unknown) => {
      options.logger.warn({ err: error }, 'could not record a Teams conversation');
    });

    switch (activity.type) {
      case 'message': {
        const started = performance.now();
        const work = remembered.then(() => runMessage(activity, options, started));
        work.catch((error: unknown) => {
          options.logger.error({ err: error }, 'a Teams message could not be handled');
        });
        return;
      }
      case 'invoke': {
        if (activity.name !== 'adaptiveCard/action') {
          await context.sendActivity({ type: 'invokeResponse', value: { status: 501 } });
          return;
        }
        const value = await answerCardAction(context, options);
        await context.sendActivity({ type: 'invokeResponse', value });
        return;
      }
      case 'conversationUpdate': {
        await remembered;
        const added = activity.membersAdded ?? [];
        if (added.some((member) => member.id === activity.recipient.id)) {
          void say(options.outbox, activity.conversation.id, welcome, options.logger);
        }
        return;
      }
      default:
        return;
    }
  };
}

const welcome =
  'Shipmate is here. Mention it with a command, for example `@Shipmate help` or ' +
  '`@Shipmate service list`; in your personal chat with Shipmate, just type the command. ' +
  'Keys and tokens are only ever sent in a personal chat.';

async function runMessage(
  activity: Activity,
  options: TeamsTurnsOptions,
  started: number,
): Promise<void> {
  // Replies go where the message came from, by its own reference: no Redis needed to answer,
  // so even "Redis is down" reaches the user.
  const here: Where = referenceOf(activity) ?? activity.conversation.id;
  const text = teamsCommandText(activity);
  if (text === undefined) return;

  const { userId, userName } = senderOf(activity);
  const conversationId = activity.conversation.id;
  const logger = options.logger.child({
    platform: 'teams',
    user: userId,
    conversation: conversationId,
    requestId: activity.id,
  });
  const request: ChatRequest = {
    platform: 'teams',
    userId,
    userName,
    channelId: conversationId,
    // Teams message ids are unique within a conversation only.
    requestId: `${conversationId}|${activity.id ?? ''}`,
    text: `ml ${text}`,
  };

  let command: Command;
  try {
    command = parseCommand(text);
  } catch (error) {
    observe(options, started);
    await say(options.outbox, here, errorReply(error, logger), logger);
    return;
  }
  observe(options, started);

  let reply: Reply;
  try {
    reply = await handleCommand(command, request, options.deps);
  } catch (error) {
    await say(options.outbox, here, errorReply(error, logger), logger);
    return;
  }
  await deliver(reply, request, here, options, logger);
}

/** What a notification shows of a private answer: never its text. */
const privateSummaries = {
  secret: 'A key or token from Shipmate (only in this chat)',
  private: 'Audit log entries from Shipmate (only in this chat)',
} as const;

/**
 * A job this very request queued gets its status card in the conversation, which says all
 * the reply would; any other answer (a list, an approval, a refusal) is posted as text.
 */
async function deliver(
  reply: Reply,
  request: ChatRequest,
  here: Where,
  options: TeamsTurnsOptions,
  logger: Logger,
): Promise<void> {
  if (reply.kind === 'job' && reply.jobId === jobIdFor(originOf(request))) return;
  if (reply.kind === 'secret' || reply.kind === 'private') {
    const answer = await options.secrets.deliver(
      { userId: request.userId, conversationId: request.channelId },
      reply.text,
      privateSummaries[reply.kind],
    );
    if (answer !== undefined) await say(options.outbox, here, answer, logger);
    return;
  }
  await say(options.outbox, here, reply.text, logger);
}

async function say(outbox: TeamsOutbox, where: Where, text: string, logger: Logger): Promise<void> {
  await outbox
    .send(where, textActivity(text))
    .catch((error: unknown) => logger.warn({ err: error }, 'could not answer in Teams'));
}

function observe(options: TeamsTurnsOptions, started: number): void {
  options.metrics.ackSeconds.observe({ platform: 'teams' }, (performance.now() - started) / 1000);
}
