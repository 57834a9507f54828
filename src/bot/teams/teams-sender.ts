import type { Activity } from 'botbuilder';

import { isGuid, normalizeUserId } from '../../approvals/policy-schema.js';

/** Who sent an activity, as policy and the audit log name them. */
export interface TeamsSender {
  /** The AAD object id; policy names Teams users by it. Undefined outside a tenant. */
  aadObjectId: string | undefined;
  /** The AAD object id when there is one, else `teams:` and the channel's own id. */
  userId: string;
  userName: string;
}

/**
 * The sender of an activity. Teams names every user by an AAD object id, a UUID; anything else
 * (the Emulator's ids) is prefixed `teams:`, so no Teams sender can ever pass for a Slack
 * (`U…`) or console user that a policy names. The SDK types `name` as always there; Teams may
 * leave it out.
 */
export function senderOf(activity: Pick<Activity, 'from'>): TeamsSender {
  const from = activity.from as { id: string; name?: string; aadObjectId?: string };
  const aad = from.aadObjectId;
  const aadObjectId = aad !== undefined && isGuid(aad) ? normalizeUserId(aad) : undefined;
  return { aadObjectId, userId: aadObjectId ?? `teams:${from.id}`, userName: from.name ?? '' };
}
