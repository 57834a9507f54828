import type { WebClient } from '@slack/web-api';

import type { JobView } from '../../queue/job-view.js';
import { jobStatusText } from '../../notify/job-status-text.js';
import type { StatusSink } from '../../notify/status-sink.js';
import { slackText } from './slack-text.js';
import { statusBlocks } from './status-blocks.js';

/**
 * Job status in Slack: chat.postMessage once, chat.update after. The WebClient waits out
 * `429 Retry-After` itself a few times; past that the notifier's look-again writes the
 * message again, so a rate-limited update is delayed, never dropped.
 */
export function createSlackStatusSink(client: WebClient): StatusSink {
  return {
    platform: 'slack',

    async post(channelId: string, view: JobView): Promise<string> {
      const result = await client.chat.postMessage({
        channel: channelId,
        text: slackText(jobStatusText(view)),
        blocks: statusBlocks(view),
        unfurl_links: false,
      });
      return `${result.channel ?? channelId}|${result.ts ?? ''}`;
    },

    async update(_channelId: string, messageId: string, view: JobView): Promise<void> {
      const [channel = '', ts = ''] = messageId.split('|');
      await client.chat.update({
        channel,
        ts,
        text: slackText(jobStatusText(view)),
        blocks: statusBlocks(view),
      });
    },
  };
}
