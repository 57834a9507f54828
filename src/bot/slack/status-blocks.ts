import type { KnownBlock } from '@slack/web-api';

import { jobStatusText } from '../../notify/job-status-text.js';
import type { JobView } from '../../queue/job-view.js';
import { slackText } from './slack-text.js';

/** Action ids of the approval buttons; the value of each is the job id. */
export const approveActionId = 'shipmate_approve';
export const rejectActionId = 'shipmate_reject';

/**
 * A status message as Block Kit: the status text, and while the job awaits approval the
 * Approve and Reject buttons. Every update sends the blocks again, so once the request is
 * decided the buttons are gone for everyone.
 */
export function statusBlocks(view: JobView): KnownBlock[] {
  const text = slackText(jobStatusText(view));
  // A section's text holds at most 3000 characters.
  const shown = text.length > 2_900 ? `${text.slice(0, 2_900)}…` : text;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: shown } }];
  if (view.state !== 'awaiting approval' || view.approval?.open !== true) return blocks;

  blocks.push({
    type: 'actions',
    block_id: `approval:${view.id}`,
    elements: [
      {
        type: 'button',
        action_id: approveActionId,
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value: view.id,
      },
      {
        type: 'button',
        action_id: rejectActionId,
        text: { type: 'plain_text', text: 'Reject' },
        style: 'danger',
        value: view.id,
      },
    ],
  });
  return blocks;
}
