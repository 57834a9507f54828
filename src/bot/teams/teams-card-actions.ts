import type { InvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';

import type { Command } from '../../commands/command.js';
import type { ChatRequest } from '../../handlers/chat-request.js';
import { handleCommand } from '../../handlers/handle-command.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import type { Logger } from '../../platform/logger.js';
import { errorReply } from '../error-reply.js';
import { textCard } from './card-text.js';
import { senderOf } from './teams-sender.js';
import { cardVerbs, statusCard } from './status-card.js';
import type { TeamsApprovers } from './teams-approvers.js';

/** The value of an `adaptiveCard/action` invoke, as far as Shipmate reads it. */
const cardAction = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.enum([cardVerbs.approve, cardVerbs.reject, cardVerbs.refresh]),
    data: z.object({ jobId: z.string().regex(/^[a-z0-9]{4,32}$/) }),
  }),
  trigger: z.enum(['manual', 'automatic']).optional(),
});

/** Options for {@link answerCardAction}. */
export interface CardActionOptions {
  deps: HandlerDeps;
  approvers: TeamsApprovers;
  logger: Logger;
  /** The invoke must be answered within 5 s; past this the answer says the card will follow. */
  budgetMs?: number;
}

/**
 * A press on a job card (Approve, Reject, Withdraw) or a Teams client asking for its user's
 * view of the card (refresh). A press runs exactly as `ml approve <id>` / `ml reject <id>`
 * would, so policy is checked again for this user on every invoke, whatever the card showed.
 * The answer is the card as this user should now see it, with what their press did.
 */
export async function answerCardAction(
  context: TurnContext,
  options: CardActionOptions,
): Promise<InvokeResponse> {
  const activity = context.activity;
  const parsed = cardAction.safeParse(activity.value);
  if (!parsed.success) {
    return errorResponse(400, 'BadRequest', 'This card action is not one Shipmate knows.');
  }
  const sender = senderOf(activity);
  const userId = sender.userId;

  const { verb, data } = parsed.data.action;
  const request: ChatRequest = {
    platform: 'teams',
    userId,
    userName: sender.userName,
    channelId: activity.conversation.id,
    requestId: `${activity.conversation.id}|${activity.id ?? ''}`,
    text: `ml ${verb === cardVerbs.approve ? 'approve' : 'reject'} ${data.jobId}`,
  };
  const logger = options.logger.child({ platform: 'teams', user: userId, jobId: data.jobId });

  const work = async (): Promise<InvokeResponse> => {
    let note: string | undefined;
    if (verb !== cardVerbs.refresh) {
      const command: Command =
        verb === cardVerbs.approve
          ? { kind: 'approve', id: data.jobId }
          : { kind: 'reject', id: data.jobId, reason: undefined };
      note = await handleCommand(command, request, options.deps)
        .then((reply) => reply.text)
        .catch((error: unknown) => errorReply(error, logger));
    }

    const view = await options.deps.jobView(data.jobId);
    if (view === undefined) {
      return cardResponse(textCard(note ?? `Job ${data.jobId} is not known any more.`));
    }
    const refreshUserIds = await options.approvers.refreshUserIds(request.channelId, view);
    const buttons = options.approvers.buttonsFor(view, userId);
    return cardResponse(statusCard(view, { refreshUserIds, buttons, ...(note ? { note } : {}) }));
  };

  const budget = new Promise<InvokeResponse>((resolve) => {
    setTimeout(
      () =>
        resolve(
          cardResponse(
            textCard(`Still working on job ${data.jobId}; its card updates when it is done.`),
          ),
        ),
      options.budgetMs ?? 4_000,
    ).unref();
  });
  // Whatever fails (Redis away, say) is still answered with a card, never a bare 500.
  const answered = work().catch((error: unknown) =>
    cardResponse(textCard(errorReply(error, logger))),
  );
  return Promise.race([answered, budget]);
}

function cardResponse(card: unknown): InvokeResponse {
  return {
    status: 200,
    body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card },
  };
}

function errorResponse(statusCode: number, code: string, message: string): InvokeResponse {
  return {
    status: 200,
    body: { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } },
  };
}
