import { jobStatusText } from '../../notify/job-status-text.js';
import type { JobView } from '../../queue/job-view.js';
import { textElements, type CardElement } from './card-text.js';

/** The verbs of the card's `Action.Execute` actions; the data of each names the job. */
export const cardVerbs = {
  approve: 'shipmate.approve',
  reject: 'shipmate.reject',
  refresh: 'shipmate.refresh',
} as const;

/** Which buttons one person sees on a job's card. */
export type CardButtons = 'none' | 'decide' | 'withdraw';

/** Options for {@link statusCard}. */
export interface StatusCardOptions {
  /**
   * Teams ids (MRIs) of the people whose client fetches their own view of the card while the
   * request is open: the approvers. Teams allows at most 60.
   */
  refreshUserIds?: readonly string[];
  buttons?: CardButtons;
  /** A line for this viewer only: what their click did. */
  note?: string;
}

/**
 * A job's status as an Adaptive Card 1.5: the same words as the Slack message. The card posted
 * to the conversation shows the status only; while approval is open its `refresh` names the
 * approvers, whose Teams clients then ask the bot (`adaptiveCard/action`, verb refresh) for
 * their own view, the one with Approve and Reject. Everyone else never sees the buttons, and
 * each press is authorised again on the server anyway.
 */
export function statusCard(view: JobView, options: StatusCardOptions = {}): CardElement {
  const body = textElements(jobStatusText(view), { firstLineBold: true });
  if (options.note !== undefined) {
    body.push({
      type: 'Container',
      style: 'emphasis',
      spacing: 'Medium',
      items: textElements(options.note),
    });
  }

  const open = view.state === 'awaiting approval' && view.approval?.open === true;
  if (open && options.note === undefined) {
    // Buttons show only for approvers Teams could name; typing works for everyone. In a
    // channel Teams delivers a message to the bot only when it mentions the bot.
    body.push(
      ...textElements(`No buttons? An approver can send \`@Shipmate approve ${view.id}\`.`),
    );
  }
  const data = { jobId: view.id };
  const buttons = open ? (options.buttons ?? 'none') : 'none';
  const actions =
    buttons === 'decide'
      ? [
          execute('Approve', cardVerbs.approve, data, 'positive'),
          execute('Reject', cardVerbs.reject, data, 'destructive'),
        ]
      : buttons === 'withdraw'
        ? [execute('Withdraw my request', cardVerbs.reject, data, 'destructive')]
        : [];
  const userIds = (options.refreshUserIds ?? []).slice(0, 60);

  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length > 0 ? { actions } : {}),
    ...(open && userIds.length > 0
      ? { refresh: { action: execute('Refresh', cardVerbs.refresh, data), userIds } }
      : {}),
  };
}

function execute(
  title: string,
  verb: string,
  data: Record<string, string>,
  style?: 'positive' | 'destructive',
): CardElement {
  return { type: 'Action.Execute', title, verb, data, ...(style ? { style } : {}) };
}
