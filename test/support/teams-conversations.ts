import { randomBytes, randomUUID } from 'node:crypto';

/** A Teams user as activities name them in `from`. */
export interface TeamsUser {
  /** `29:1…`: the user's id for this bot. */
  id: string;
  name: string;
  /** The user's Entra object id. */
  aadObjectId: string;
}

/** Where an activity happens; builds an activity's `conversation` and `channelData`. */
export interface TeamsConversation {
  /**
   * `a:1…` (personal), `19:…@thread.v2` (group chat) or, for a channel,
   * `19:…@thread.tacv2;messageid=…`.
   */
  id: string;
  conversationType: 'personal' | 'channel' | 'groupChat';
  tenantId: string;
  /** For a channel: the team, whose `id` is the General channel's thread id. */
  team?: { id: string; name: string; aadGroupId: string };
  /** For a channel: the channel's thread id, without the `;messageid=` of a reply chain. */
  channel?: { id: string; name: string };
}

/** A user with fresh ids. */
export function teamsUser(name: string): TeamsUser {
  return { id: `29:1${randomBytes(32).toString('base64url')}`, name, aadObjectId: randomUUID() };
}

/** The 1:1 chat between one user and the bot. */
export function personalChat(tenantId: string): TeamsConversation {
  return {
    id: `a:1${randomBytes(48).toString('base64url')}`,
    conversationType: 'personal',
    tenantId,
  };
}

/** A group chat the bot was added to. */
export function groupChat(tenantId: string): TeamsConversation {
  return { id: `19:${randomHex(16)}@thread.v2`, conversationType: 'groupChat', tenantId };
}

/** Options for {@link channelThread}. */
export interface ChannelThreadOptions {
  tenantId: string;
  teamName?: string;
  channelName?: string;
  /** The id of the post that starts the reply chain. Default a fresh one. */
  rootMessageId?: string;
}

/** A reply chain in a team's channel, as Teams names the conversation of a channel message. */
export function channelThread(options: ChannelThreadOptions): TeamsConversation {
  const teamThread = `19:${randomHex(16)}@thread.tacv2`;
  const channelThreadId = `19:${randomHex(16)}@thread.tacv2`;
  const rootMessageId = options.rootMessageId ?? String(Date.now());
  return {
    id: `${channelThreadId};messageid=${rootMessageId}`,
    conversationType: 'channel',
    tenantId: options.tenantId,
    team: { id: teamThread, name: options.teamName ?? 'Platform', aadGroupId: randomUUID() },
    channel: { id: channelThreadId, name: options.channelName ?? 'deployments' },
  };
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
