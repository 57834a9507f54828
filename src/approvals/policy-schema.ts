import { z } from 'zod';

import { policyKinds } from './policy-kinds.js';

/** `30s`, `15m`, `2h`, `1d`: how long an approval request waits. */
const duration = z
  .string()
  .regex(/^\d{1,6}[smhd]$/, 'expected a duration such as 30s, 15m, 2h or 1d')
  .transform((text) => {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[text.slice(-1)] ?? 0;
    return Number(text.slice(0, -1)) * unit;
  })
  .refine((ms) => ms >= 1_000 && ms <= 30 * 86_400_000, 'expected between 1s and 30d');

/**
 * Who a rule names: `*` for anyone, `group:<name>` for a group of the file, or a user id
 * (Slack `U…`, a Teams AAD object id, `console:<os user>` for `shipmate say`).
 */
const principal = z
  .string()
  .min(1)
  .max(100)
  .regex(/^(\*|group:[a-z][a-z0-9-]{0,62}|[A-Za-z0-9][A-Za-z0-9:._@-]*)$/, {
    error: 'expected *, group:<name> or a user id such as U0123ABCD',
  })
  .transform(normalizeUserId);

/** AAD object ids are case-insensitive: Teams sends them in lower case, people paste either. */
export function normalizeUserId(id: string): string {
  return isGuid(id) ? id.toLowerCase() : id;
}

/** True for an id in GUID form (AAD object and tenant ids), in either case. */
export function isGuid(text: string): boolean {
  return z.guid().safeParse(text).success;
}

/** A command kind (`deploy`, `service.delete`, …) or `*` for every kind. */
const commandPattern = z.string().refine((kind) => kind === '*' || policyKinds.includes(kind), {
  error: (issue) =>
    `unknown command kind ${JSON.stringify(issue.input)}; expected * or one of ` +
    policyKinds.join(', '),
});

/** A service or endpoint name, `*` standing for any run of characters: `prod-*`. */
const namePattern = z.string().regex(/^[a-z0-9*-]{1,32}$/, {
  error: 'expected a name pattern such as prod-* or *',
});

/**
 * A channel an approval request is also posted to, so approvers who work elsewhere see it:
 * `slack:<channel id>` or `teams:<conversation id>` (Shipmate must be in that channel).
 */
const channel = z.string().regex(/^(slack|teams):\S{1,300}$/, {
  error: 'expected slack:<channel id> or teams:<conversation id>',
});

export const approvalRule = z.strictObject({
  /** How many distinct people must approve; never the requester. */
  approvers: z.number().int().min(1).max(5),
  /** Who may approve. */
  from: z.array(principal).min(1).default(['*']),
  /** How long the request waits before it is cancelled. */
  expires: duration.default(86_400_000),
  /** Where else the request is posted, besides the channel it was asked in. */
  channels: z.array(channel).max(5).default([]),
});

export const policyRule = z.strictObject({
  /** Shown when this rule refuses a command. */
  name: z.string().min(1).max(80),
  commands: z.array(commandPattern).min(1),
  /** Service or endpoint names the rule covers; every name when left out. */
  services: z.array(namePattern).min(1).default(['*']),
  /** `local` or cluster names; every target when left out. */
  targets: z.array(namePattern).min(1).default(['*']),
  /** Who may run the command. */
  allow: z.array(principal).min(1).default(['*']),
  /** Whether a change needs approval before it runs; `false` or left out: it does not. */
  approval: z.union([z.literal(false), approvalRule]).default(false),
});

/** One user id on one platform; a Teams AAD object id is compared in lower case. */
const userId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9:._@-]*$/, { error: 'expected a user id such as U0123ABCD' })
  .transform(normalizeUserId);

/** The policy file (`SHIPMATE_POLICY`), YAML or JSON. */
export const policyFile = z
  .strictObject({
    groups: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/), z.array(principal)).default({}),
    /**
     * One person's ids on each platform (Slack, Teams, console), so that they count as one:
     * never approving their own change from another platform, never voting twice.
     */
    people: z
      .record(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/), z.array(userId).min(2))
      .default({}),
    rules: z.array(policyRule).default([]),
  })
  .superRefine((file, ctx) => {
    const owner = new Map<string, string>();
    for (const [person, ids] of Object.entries(file.people)) {
      ids.forEach((id, index) => {
        const other = owner.get(id);
        if (other !== undefined && other !== person) {
          ctx.addIssue({
            code: 'custom',
            message: `${id} is listed under both ${other} and ${person}`,
            path: ['people', person, index],
          });
        }
        owner.set(id, person);
      });
    }
    file.rules.forEach((rule, index) => {
      const named = [...rule.allow, ...(rule.approval === false ? [] : rule.approval.from)];
      for (const who of named) {
        const group = who.startsWith('group:') ? who.slice('group:'.length) : undefined;
        if (group !== undefined && !(group in file.groups)) {
          ctx.addIssue({
            code: 'custom',
            message: `group '${group}' is not defined under groups`,
            path: ['rules', index, named.indexOf(who) < rule.allow.length ? 'allow' : 'approval'],
          });
        }
      }
      if (rule.approval === false) return;

      // A rule asking more approvers than it lets approve could never be met: each request
      // would only wait and expire.
      const people = expand(rule.approval.from, file.groups);
      if (!people.has('*') && people.size < rule.approval.approvers) {
        ctx.addIssue({
          code: 'custom',
          message:
            `asks ${rule.approval.approvers} approvers but 'from' names ${people.size} ` +
            `(${[...people].join(', ') || 'nobody'}), so no request could ever be approved`,
          path: ['rules', index, 'approval', 'approvers'],
        });
      }
    });
  });

/** The people a list names, groups (and groups in groups) resolved. */
function expand(
  principals: readonly string[],
  groups: Readonly<Record<string, readonly string[]>>,
  seen = new Set<string>(),
): Set<string> {
  const people = new Set<string>();
  for (const who of principals) {
    const group = who.startsWith('group:') ? who.slice('group:'.length) : undefined;
    if (group === undefined) {
      people.add(who);
    } else if (!seen.has(group)) {
      seen.add(group);
      for (const member of expand(groups[group] ?? [], groups, seen)) people.add(member);
    }
  }
  return people;
}

export type PolicyFile = z.infer<typeof policyFile>;
export type PolicyRule = z.infer<typeof policyRule>;
export type ApprovalRule = z.infer<typeof approvalRule>;
