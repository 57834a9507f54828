import type { StatusSink } from '../../notify/status-sink.js';
import { describeJob } from '../../notify/job-status-text.js';
import type { JobView } from '../../queue/job-view.js';
import { cardAttachment } from './card-text.js';
import { statusCard } from './status-card.js';
import type { TeamsApprovers } from './teams-approvers.js';
import type { TeamsOutbox } from './teams-outbox.js';

/**
 * Job status in Teams: one Adaptive Card per job, posted once and then replaced in place
 * (`updateActivity`). The outbox paces and retries the writes.
 */
export function createTeamsStatusSink(options: {
  outbox: TeamsOutbox;
  approvers: TeamsApprovers;
}): StatusSink {
  const { outbox, approvers } = options;
  const activityOf = async (conversationId: string, view: JobView) => {
    const refreshUserIds = await approvers.refreshUserIds(conversationId, view);
    return {
      type: 'message' as const,
      // What a notification or the chat list shows instead of "Card".
      summary: `job ${view.id}: ${describeJob(view)} — ${view.state}`,
      attachments: [cardAttachment(statusCard(view, { refreshUserIds }))],
    };
  };

  return {
    platform: 'teams',
    // The outbox keeps Teams' own limit; this only spaces one job's updates.
    paceMs: 150,

    async post(conversationId: string, view: JobView): Promise<string> {
      return outbox.send(conversationId, await activityOf(conversationId, view));
    },

    async update(conversationId: string, activityId: string, view: JobView): Promise<void> {
      await outbox.update(conversationId, activityId, await activityOf(conversationId, view));
    },
  };
}
