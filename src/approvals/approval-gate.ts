import { NotAllowedError } from '../platform/errors.js';
import { jobIdFor } from '../queue/job-id.js';
import type { JobEnqueuer } from '../queue/job-producer.js';
import { jobData, type JobData } from '../queue/job-schemas.js';
import type { ApprovalDeps } from './approval-deps.js';
import { alsoCountsAs } from './also-counts-as.js';
import { changeText, describeChange } from './change-describers.js';
import { jobSubject } from './job-subject.js';

/**
 * The one door to the queue for every handler: policy decides by job kind, name and target
 * whether the requester may make the change, and whether it runs now or first waits for
 * approval. A waiting change keeps its job id; it is queued unchanged once approved.
 */
export class ApprovalGate implements JobEnqueuer {
  readonly #deps: ApprovalDeps;

  constructor(deps: ApprovalDeps) {
    this.#deps = deps;
  }

  async enqueue(data: JobData): Promise<string> {
    const { policy, store, audit } = this.#deps;
    const checked = jobData.parse(data);
    const jobId = jobIdFor(checked.origin);
    const origin = checked.origin;

    // A repeated delivery of a request that already waits is the same request.
    if ((await store.get(jobId)) !== undefined) return jobId;

    const subject = await jobSubject(checked, this.#deps.services);
    const decision = policy.decide({
      kind: checked.kind,
      name: subject.name,
      target: subject.target,
      userId: origin.userId,
      also: alsoCountsAs(checked.kind, checked),
    });
    const base = {
      actor: { platform: origin.platform, userId: origin.userId, userName: origin.userName },
      where: origin.channelId,
      kind: checked.kind,
      command: origin.text,
      ...(subject.name === undefined ? {} : { service: subject.name }),
      jobId,
    };
    if (!decision.allowed) {
      await audit.append({ ...base, action: 'refused', detail: `rule: ${decision.rule}` });
      throw refusedBy(decision.rule);
    }

    const change = describeChange(checked, subject.current);
    const before = change.map((line) => `${line.what}: ${line.before}`);
    const after = change.map((line) => `${line.what}: ${line.after}`);
    if (decision.approval === undefined) {
      await this.#deps.producer.enqueue(checked);
      // A repeated delivery is queued once by its job id; audit it once too.
      await audit.appendOnce(`queued:${jobId}`, { ...base, action: 'queued', before, after });
      return jobId;
    }

    const now = (this.#deps.clock ?? Date.now)();
    const created = await store.create({
      jobId,
      data: checked,
      rule: decision.rule,
      approvers: decision.approval.approvers,
      // TODO: approvers are fixed when the change is asked for, so a group edited while a
      // request waits does not apply to it; reading the rule again at each vote would.
      from: [...decision.approval.from],
      requester: policy.personOf(origin.userId),
      createdAt: now,
      expiresAt: now + decision.approval.expiresMs,
      change: changeText(change),
      ...(decision.approval.channels.length > 0 ? { alsoIn: [...decision.approval.channels] } : {}),
      ...(subject.current ? { serviceCreatedAt: subject.current.createdAt } : {}),
    });
    if (!created) return jobId;

    await audit.append({ ...base, action: 'approval requested', before, after });
    await this.#deps.announce(jobId);
    return jobId;
  }
}

/** The refusal a user sees when policy does not let them run a command. */
export function refusedBy(rule: string): NotAllowedError {
  return new NotAllowedError({
    code: 'policy_refused',
    userMessage: `Not allowed: the policy rule "${rule}" does not let you run this command.`,
  });
}
