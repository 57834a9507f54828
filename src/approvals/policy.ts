import { defaultRules } from './default-policy.js';
import { normalizeUserId, type PolicyFile, type PolicyRule } from './policy-schema.js';

/** What a command is about, as the policy matches it. */
export interface PolicySubject {
  /** The command kind (`deploy`) or, at the queue, the job kind. */
  kind: string;
  /** The service or endpoint name; undefined for commands about no one service. */
  name: string | undefined;
  /** `local` or a cluster name; undefined when not known. */
  target: string | undefined;
  userId: string;
  /**
   * Other kinds the change also is: `service update --auth` is a `service.update` too, and a
   * version added with a share of traffic is a `traffic` shift. The strictest answer wins.
   */
  also?: readonly string[];
}

/** The approval a change needs, with the approvers resolved to user ids. */
export interface ApprovalNeed {
  approvers: number;
  /** User ids allowed to approve; `*` for anyone but the requester. */
  from: readonly string[];
  expiresMs: number;
  /** Channels the request is also posted to, `<platform>:<channel id>`. */
  channels: readonly string[];
}

/** The policy's answer for one subject. */
export interface PolicyDecision {
  rule: string;
  allowed: boolean;
  approval: ApprovalNeed | undefined;
}

/**
 * The access and approval policy: the rules of the policy file in order, then the built-in
 * ones; the first rule whose commands, services and targets match decides.
 */
export class Policy {
  readonly #rules: readonly PolicyRule[];
  readonly #groups: Readonly<Record<string, readonly string[]>>;
  /** Each id of a person listed under `people`, to that person's name. */
  readonly #persons = new Map<string, string>();
  readonly #ids = new Map<string, readonly string[]>();

  constructor(file: PolicyFile = { groups: {}, people: {}, rules: [] }) {
    this.#rules = [...file.rules, ...defaultRules];
    this.#groups = file.groups;
    for (const [person, ids] of Object.entries(file.people)) {
      this.#ids.set(person, ids);
      for (const id of ids) this.#persons.set(id, person);
    }
  }

  /**
   * Who a user id is: `person:<name>` for an id listed under `people`, else the id itself (in
   * its normal case). Two ids of one person are one person: for self-approval and for votes.
   */
  personOf(userId: string): string {
    const id = normalizeUserId(userId);
    const person = this.#persons.get(id);
    return person === undefined ? id : `person:${person}`;
  }

  decide(subject: PolicySubject): PolicyDecision {
    const decisions = [subject.kind, ...(subject.also ?? [])].map((kind) =>
      this.#decideOne({ ...subject, kind }),
    );
    const refused = decisions.find((d) => !d.allowed);
    if (refused !== undefined) return refused;

    const approvers = (d: PolicyDecision) => d.approval?.approvers ?? 0;
    return decisions.reduce((strictest, d) =>
      approvers(d) > approvers(strictest) ? d : strictest,
    );
  }

  #decideOne(subject: PolicySubject): PolicyDecision {
    const rule = this.#rules.find((r) => matches(r, subject));
    // The last built-in rule matches every kind, so this is only a guard.
    if (rule === undefined) return { rule: 'no rule', allowed: false, approval: undefined };

    const allowed = this.#names(rule.allow, subject.userId);
    const approval =
      rule.approval === false
        ? undefined
        : {
            approvers: rule.approval.approvers,
            from: this.#expand(rule.approval.from),
            expiresMs: rule.approval.expires,
            channels: rule.approval.channels,
          };
    return { rule: rule.name, allowed, approval };
  }

  /** True when `principals` (as the file writes them) include the user. */
  #names(principals: readonly string[], userId: string): boolean {
    const id = normalizeUserId(userId);
    return this.#expand(principals).some((p) => p === '*' || p === id);
  }

  /** Groups resolved, and every id of a person named by one of their ids. */
  #expand(principals: readonly string[]): string[] {
    const ids = principals.flatMap((p) =>
      p.startsWith('group:') ? this.#expand(this.#groups[p.slice('group:'.length)] ?? []) : [p],
    );
    const persons = ids.map((id) => this.#persons.get(id));
    return [
      ...new Set([
        ...ids,
        ...persons.flatMap((person) => (person ? this.#ids.get(person) : []) ?? []),
      ]),
    ];
  }
}

/** True when a user may approve under an approval need (the requester is checked apart). */
export function mayApprove(need: Pick<ApprovalNeed, 'from'>, userId: string): boolean {
  const id = normalizeUserId(userId);
  return need.from.some((p) => p === '*' || p === id);
}

function matches(rule: PolicyRule, subject: PolicySubject): boolean {
  return (
    rule.commands.some((c) => c === '*' || c === subject.kind) &&
    // A rule about some services says nothing about commands that name none (`jobs`, `audit`).
    (subject.name === undefined
      ? rule.services.includes('*')
      : rule.services.some((p) => glob(p, subject.name ?? ''))) &&
    rule.targets.some((p) => glob(p, subject.target ?? 'local'))
  );
}

function glob(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(name);
}
