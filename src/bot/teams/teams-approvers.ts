import type { TeamsChannelAccount } from 'botbuilder';

import { mayApprove } from '../../approvals/policy.js';
import type { Logger } from '../../platform/logger.js';
import type { JobView } from '../../queue/job-view.js';
import type { CardButtons } from './status-card.js';
import type { TeamsOutbox } from './teams-outbox.js';

/**
 * The buttons a person (by AAD object id) may use on a job's card right now. `personOf` is
 * the policy's: one person's ids on several platforms are one person.
 */
export function buttonsFor(
  view: JobView,
  userId: string,
  personOf: (userId: string) => string = (id) => id,
): CardButtons {
  const approval = view.approval;
  if (view.state !== 'awaiting approval' || approval?.open !== true) return 'none';
  // The requester may call their own change off, never approve it.
  const person = personOf(userId);
  if (person === personOf(view.data.origin.userId)) return 'withdraw';
  if (!mayApprove(approval, userId) || approval.approvedByIds.includes(person)) return 'none';
  return 'decide';
}

/** Options for {@link TeamsApprovers}. */
export interface TeamsApproversOptions {
  outbox: Pick<TeamsOutbox, 'members'>;
  logger: Logger;
  /** The policy's person of a user id; votes are counted by person. */
  personOf: (userId: string) => string;
  /** How long a conversation's roster is reused. */
  rosterMs?: number;
  /** How long a card waits for a roster before it goes out without buttons. */
  rosterWaitMs?: number;
}

/**
 * Who gets their own view of a card: policy names approvers by AAD object id, while a card's
 * `refresh.userIds` wants Teams ids, so the conversation's roster maps one to the other. A
 * roster is reused for a minute: a card is refreshed on every vote and every status step.
 */
export class TeamsApprovers {
  readonly #options: TeamsApproversOptions;
  readonly #rosters = new Map<string, { at: number; members: Promise<TeamsChannelAccount[]> }>();

  constructor(options: TeamsApproversOptions) {
    this.#options = options;
  }

  /** Teams ids of the people in the conversation with buttons on this job's card. */
  async refreshUserIds(conversationId: string, view: JobView): Promise<string[]> {
    if (view.state !== 'awaiting approval' || view.approval?.open !== true) return [];

    // A throttled roster read must not hold the conversation's other cards: past a short wait
    // the card goes out without buttons (it says how to approve by text), and a later update
    // uses the roster once it has come.
    const timeout = new Promise<TeamsChannelAccount[]>((resolve) => {
      setTimeout(() => resolve([]), this.#options.rosterWaitMs ?? 3_000).unref();
    });
    const members = await Promise.race([this.#roster(conversationId), timeout]).catch(
      (error: unknown) => {
        this.#options.logger.warn({ err: error, conversationId }, 'could not read a Teams roster');
        return [];
      },
    );
    return members
      .filter((m) => m.aadObjectId !== undefined && this.buttonsFor(view, m.aadObjectId) !== 'none')
      .map((m) => m.id)
      .slice(0, 60);
  }

  /** The buttons this user may use on the job's card right now. */
  buttonsFor(view: JobView, userId: string): CardButtons {
    return buttonsFor(view, userId, this.#options.personOf);
  }

  #roster(conversationId: string): Promise<TeamsChannelAccount[]> {
    const now = Date.now();
    const cached = this.#rosters.get(conversationId);
    if (cached !== undefined && now - cached.at < (this.#options.rosterMs ?? 60_000)) {
      return cached.members;
    }
    const members = this.#options.outbox.members(conversationId);
    this.#rosters.set(conversationId, { at: now, members });
    // A failed read is not reused.
    members.catch(() => this.#rosters.delete(conversationId));
    if (this.#rosters.size > 1_000) this.#rosters.delete(this.#rosters.keys().next().value ?? '');
    return members;
  }
}
