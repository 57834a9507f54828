import type { JobView } from '../queue/job-view.js';

/**
 * A chat platform's way of showing job status: post one message, then update it in place.
 * Implemented by each adapter in bot/; the notifier decides when.
 */
export interface StatusSink {
  readonly platform: 'slack' | 'teams' | 'console';
  /** Minimum gap between two writes to one channel, when the platform has its own limit. */
  readonly paceMs?: number;
  /** Posts the first status message; resolves to the platform's id for it. */
  post(channelId: string, view: JobView): Promise<string>;
  update(channelId: string, messageId: string, view: JobView): Promise<void>;
}
