import { ConflictError, NotAllowedError, NotFoundError } from '../platform/errors.js';
import type { ApprovalDeps } from './approval-deps.js';
import type { ApprovalRecord } from './approval-request.js';
import { mayApprove } from './policy.js';

/** Who decides, and where: an approver from chat or the console. */
export interface DecisionMaker {
  platform: 'slack' | 'teams' | 'console';
  userId: string;
  userName: string;
  channelId: string;
}

/** What a decision did, in words for the person who made it. */
export interface DecisionResult {
  /** True when this decision queued the job. */
  queued: boolean;
  text: string;
}

/**
 * Approve and reject, the same for a button and for `approve <id>` / `reject <id>`. The store's
 * scripts make each transition atomic; only the one vote that completes the approval queues
 * the job, under the id it was asked with.
 */
export class ApprovalDecisions {
  readonly #deps: ApprovalDeps;

  constructor(deps: ApprovalDeps) {
    this.#deps = deps;
  }

  async approve(jobId: string, who: DecisionMaker): Promise<DecisionResult> {
    const record = await this.#open(jobId);
    // A request already decided says so, whoever clicks.
    if (record.state !== 'pending') return this.#closed(record, `decided:${record.state}`, who);
    // The script checks this too; asking first gives the requester the reason that fits.
    if (this.#isRequester(record, who)) {
      await this.#audit(record, who, 'refused', 'may not approve their own request');
      throw selfApproval(jobId);
    }
    if (!mayApprove(record, who.userId)) {
      await this.#audit(record, who, 'refused', `may not approve (rule: ${record.rule})`);
      throw new NotAllowedError({
        code: 'approver_not_allowed',
        userMessage:
          `Not allowed: the policy rule "${record.rule}" does not let you approve job ${jobId}. ` +
          'Nothing was changed.',
      });
    }

    await this.#refuseIfRecreated(record, who);

    // One person votes once, from whichever platform: the vote is counted by person.
    const voter = { userId: this.#deps.policy.personOf(who.userId), userName: who.userName };
    const outcome = await this.#deps.store.vote(jobId, voter, this.#now());
    switch (outcome) {
      case 'self':
        await this.#audit(record, who, 'refused', 'may not approve their own request');
        throw selfApproval(jobId);
      case 'repeat':
        return { queued: false, text: `You have already approved job ${jobId}.` };
      case 'counted': {
        await this.#audit(record, who, 'approval counted');
        await this.#deps.announce(jobId);
        const left = record.approvers - (record.approvedBy.length + 1);
        return {
          queued: false,
          text: `Approval counted: job ${jobId} needs ${Math.max(1, left)} more.`,
        };
      }
      case 'approved':
        await this.#deps.producer.enqueue(record.data);
        await this.#deps.store.close(jobId);
        await this.#audit(record, who, 'approved');
        await this.#deps.announce(jobId);
        return { queued: true, text: `Approved: job ${jobId} is queued.` };
      default:
        return this.#closed(record, outcome, who);
    }
  }

  async reject(jobId: string, who: DecisionMaker, reason?: string): Promise<DecisionResult> {
    const record = await this.#open(jobId);
    // The requester may withdraw their own request; otherwise only an approver may reject.
    if (!this.#isRequester(record, who) && !mayApprove(record, who.userId)) {
      await this.#audit(record, who, 'refused', `may not reject (rule: ${record.rule})`);
      throw new NotAllowedError({
        code: 'rejecter_not_allowed',
        userMessage:
          `Not allowed: the policy rule "${record.rule}" does not let you reject job ${jobId}. ` +
          'Nothing was changed.',
      });
    }

    const outcome = await this.#deps.store.reject(jobId, who, reason, this.#now());
    if (outcome !== 'rejected') return this.#closed(record, outcome, who);
    await this.#audit(record, who, 'rejected', reason);
    await this.#deps.announce(jobId);
    return { queued: false, text: `Rejected: job ${jobId} will not run.` };
  }

  /**
   * A request is about the service as it was when it was asked for. If that service was
   * deleted and one of the same name made since, approving would act on the new one (retire its
   * key, shift its traffic): refused, and the request can only be rejected or expire.
   */
  async #refuseIfRecreated(record: ApprovalRecord, who: DecisionMaker): Promise<void> {
    if (record.serviceCreatedAt === undefined) return;

    const current = await this.#deps.services.get(record.data.service);
    if (current === undefined || current.createdAt === record.serviceCreatedAt) return;

    await this.#audit(record, who, 'refused', 'the service was made anew since the request');
    throw new ConflictError({
      code: 'service_recreated',
      userMessage:
        `Service ${record.data.service} was deleted and made anew after job ${record.jobId} ` +
        'was asked for, so this request no longer fits it. Nothing was changed: reject it, ' +
        'and ask again if the change is still wanted.',
    });
  }

  async #open(jobId: string): Promise<ApprovalRecord> {
    const record = await this.#deps.store.get(jobId);
    if (record === undefined) {
      throw new NotFoundError({
        code: 'approval_not_found',
        userMessage: `Job ${jobId} is not waiting for approval. See \`jobs\`.`,
      });
    }
    return record;
  }

  /**
   * A decision that came too late: the request expired or was decided by someone else. The
   * refused click is in the audit log too: who tried what, and when, is part of the story.
   */
  async #closed(record: ApprovalRecord, outcome: string, who: DecisionMaker): Promise<never> {
    if (outcome === 'expired') {
      await this.#deps.audit.append(expiryEntry(record));
      await this.#deps.announce(record.jobId);
    }
    const state = outcome === 'expired' ? 'cancelled' : outcome.replace('decided:', '');
    await this.#audit(record, who, 'refused', `too late: the request was ${state}`);
    throw new ConflictError({
      code: 'approval_closed',
      userMessage:
        outcome === 'expired' || state === 'cancelled'
          ? `The approval request for job ${record.jobId} expired; the job was cancelled.`
          : `Job ${record.jobId} was already ${state}. Nothing was changed.`,
    });
  }

  async #audit(
    record: ApprovalRecord,
    who: DecisionMaker,
    action: 'approved' | 'approval counted' | 'rejected' | 'refused',
    detail?: string,
  ): Promise<void> {
    await this.#deps.audit.append({
      action,
      actor: { platform: who.platform, userId: who.userId, userName: who.userName },
      where: who.channelId,
      kind: record.data.kind,
      command: record.data.origin.text,
      ...serviceOf(record),
      jobId: record.jobId,
      ...(detail ? { detail } : {}),
    });
  }

  /** The requester, on any platform: policy's `people` names one person's ids. */
  #isRequester(record: ApprovalRecord, who: DecisionMaker): boolean {
    const { policy } = this.#deps;
    return policy.personOf(who.userId) === policy.personOf(record.data.origin.userId);
  }

  #now(): number {
    return (this.#deps.clock ?? Date.now)();
  }
}

function selfApproval(jobId: string): NotAllowedError {
  return new NotAllowedError({
    code: 'self_approval',
    userMessage: `You asked for job ${jobId}: someone else must approve it.`,
  });
}

/** The audit entry of a request that expired: the product acted, nobody decided. */
export function expiryEntry(record: ApprovalRecord) {
  return {
    action: 'expired' as const,
    actor: { platform: 'shipmate' as const, userId: 'shipmate', userName: 'shipmate' },
    where: record.data.origin.channelId,
    kind: record.data.kind,
    command: record.data.origin.text,
    ...serviceOf(record),
    jobId: record.jobId,
    detail: 'no decision in time; cancelled',
  };
}

function serviceOf(record: ApprovalRecord): { service?: string } {
  const service = (record.data as unknown as Record<string, unknown>).service;
  return typeof service === 'string' ? { service } : {};
}
