/** Who asked what, where: the one shape every chat adapter hands to the handlers. */
export interface ChatRequest {
  platform: 'slack' | 'teams' | 'console';
  userId: string;
  userName: string;
  channelId: string;
  /** The platform's id for this request; a repeated delivery carries the same one. */
  requestId: string;
  text: string;
}

/** What a handler answers; the adapter decides how each kind reaches the user. */
export type Reply =
  /** Shown only to the person who asked. */
  | { kind: 'ephemeral'; text: string }
  /** Holds a key or token: only ever ephemeral or in a personal chat, never a channel. */
  | { kind: 'secret'; text: string }
  /**
   * No secret, but about people and conversations everywhere (the audit log): shown only to
   * the asker as well, so where a platform cannot reply privately in a channel, it goes to a
   * personal chat like a secret.
   */
  | { kind: 'private'; text: string }
  /** A job was queued; its status message in the channel follows. */
  | { kind: 'job'; jobId: string; text: string };
