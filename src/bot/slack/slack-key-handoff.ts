import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';

import { keyHandoffText } from '../../handlers/key-handoff.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import type { Logger } from '../../platform/logger.js';
import type { JobView } from '../../queue/job-view.js';

/** Options for {@link createSlackKeyHandoff}. */
export interface SlackKeyHandoffOptions {
  client: WebClient;
  deps: HandlerDeps;
  redis: Redis;
  logger: Logger;
}

const claimTtlSeconds = 30 * 24 * 3600;

/**
 * Sends a regenerated key to the person who asked, as a Slack ephemeral message in the
 * channel of the job's status message, once the job has succeeded. Ephemeral messages are seen
 * by that user only and are not kept in the channel's history. Every serve process sees the
 * job end; a claim in Redis makes one of them send it, once.
 */
export function createSlackKeyHandoff(options: SlackKeyHandoffOptions): (view: JobView) => void {
  const deliver = async (view: JobView): Promise<void> => {
    const origin = view.data.origin;
    if (origin.platform !== 'slack' || view.data.kind !== 'keys.regen') return;
    if (view.state !== 'succeeded') return;

    const claim = `shipmate:handoff:${view.id}`;
    if ((await options.redis.set(claim, '1', 'EX', claimTtlSeconds, 'NX')) !== 'OK') return;
    const text = await keyHandoffText(view, options.deps);
    if (text === undefined) return;

    await options.client.chat.postEphemeral({
      channel: origin.channelId,
      user: origin.userId,
      text,
    });
  };

  return (view) => {
    deliver(view).catch((error: unknown) => {
      // The key is safe where it is; the person can still read it with `keys show`.
      options.logger.warn({ err: error, jobId: view.id }, 'could not hand over a new key');
    });
  };
}
