import type { Activity } from 'botbuilder';

/** Who sent an activity, as policy and the audit log name them. */
export interface TeamsSender {
  /** The AAD object id; policy names Teams users by it. Undefined outside a tenant. */
  aadObjectId: string | undefined;
  /** The AAD object id when there is one, else the channel's own id (the Emulator's). */
  userId: string;
  userName: string;
}

/** The sender of an activity. The SDK types `name` as always there; Teams may leave it out. */
export function senderOf(activity: Pick<Activity, 'from'>): TeamsSender {
  const from = activity.from as { id: string; name?: string; aadObjectId?: string };
  const aadObjectId = from.aadObjectId === '' ? undefined : from.aadObjectId;
  return { aadObjectId, userId: aadObjectId ?? from.id, userName: from.name ?? '' };
}
