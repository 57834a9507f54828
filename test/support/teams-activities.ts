import { randomBytes } from 'node:crypto';

import type { TeamsConversation, TeamsUser } from './teams-conversations.js';

export type { TeamsConversation, TeamsUser } from './teams-conversations.js';

/** A Bot Framework activity as JSON. */
export type TeamsActivity = Record<string, unknown>;

/** What every activity Teams sends to the bot has in common. */
export interface ActivityContext {
  conversation: TeamsConversation;
  /** The Bot Connector's base URL, e.g. the connector stand-in's `serviceUrl`. */
  serviceUrl: string;
  /** The bot's Entra app id; the bot is `28:<appId>`. */
  appId: string;
  /** The bot's display name. Default `Shipmate`. */
  botName?: string;
}

/** Options for {@link messageActivity}. */
export interface MessageActivityOptions extends ActivityContext {
  text: string;
  user: TeamsUser;
  /**
   * Prefix the text with `<at>Shipmate</at>` and add the mention entity, as Teams does when the
   * bot is @mentioned. Default: outside a personal chat, where Teams delivers only mentions.
   */
  mention?: boolean;
}

/** A message a user typed. */
export function messageActivity(options: MessageActivityOptions): TeamsActivity {
  const botName = options.botName ?? 'Shipmate';
  const mention = options.mention ?? options.conversation.conversationType !== 'personal';
  const atBot = `<at>${botName}</at>`;
  const mentionEntity = {
    type: 'mention',
    text: atBot,
    mentioned: { id: `28:${options.appId}`, name: botName },
  };

  return {
    ...base(options, 'message', options.user),
    id: nextMessageId(),
    text: mention ? `${atBot} ${options.text}` : options.text,
    textFormat: 'plain',
    entities: [...(mention ? [mentionEntity] : []), clientInfo],
  };
}

/** Options for {@link invokeActivity}. */
export interface InvokeActivityOptions extends ActivityContext {
  /** The `verb` of the card's `Action.Execute`. */
  verb: string;
  data: Record<string, unknown>;
  user: TeamsUser;
  /** The id of the message that holds the card. */
  replyToId: string;
  /** `manual` (default) for a button press, `automatic` for a refresh. */
  trigger?: 'manual' | 'automatic';
  /** The action's `id`, if the card gave it one. */
  actionId?: string;
}

/** A Universal Action: a user pressed an `Action.Execute` button (or a card refreshed). */
export function invokeActivity(options: InvokeActivityOptions): TeamsActivity {
  const action = {
    type: 'Action.Execute',
    verb: options.verb,
    data: options.data,
    ...(options.actionId === undefined ? {} : { id: options.actionId }),
  };
  const activity = base(options, 'invoke', options.user);

  return {
    ...activity,
    id: invokeId(),
    name: 'adaptiveCard/action',
    replyToId: options.replyToId,
    value: { action, trigger: options.trigger ?? 'manual' },
    channelData: { ...(activity.channelData as object), source: { name: 'message' } },
    entities: [clientInfo],
  };
}

/** Options for {@link conversationUpdateActivity}. */
export interface ConversationUpdateOptions extends ActivityContext {
  /** Who joined; the bot itself (`28:<appId>`) when it was installed. */
  membersAdded: Array<{ id: string; aadObjectId?: string }>;
  membersRemoved?: Array<{ id: string; aadObjectId?: string }>;
  /** Who caused the update, e.g. the user who installed the bot. */
  user: TeamsUser;
}

/** Members joined or left; with the bot in `membersAdded`, the bot was installed. */
export function conversationUpdateActivity(options: ConversationUpdateOptions): TeamsActivity {
  const activity = base(options, 'conversationUpdate', options.user);
  const { conversation } = options;
  const eventType = options.membersRemoved === undefined ? 'MemberAdded' : 'MemberRemoved';
  // In a team the update is about the channel itself, not a reply chain.
  const conversationJson = activity.conversation as Record<string, unknown>;
  const channelOnly = conversation.channel === undefined ? {} : { id: conversation.channel.id };

  return {
    ...activity,
    id: invokeId(),
    conversation: { ...conversationJson, ...channelOnly },
    membersAdded: options.membersAdded,
    ...(options.membersRemoved === undefined ? {} : { membersRemoved: options.membersRemoved }),
    channelData: {
      ...(activity.channelData as object),
      ...(conversation.team === undefined ? {} : { eventType: `team${eventType}` }),
    },
  };
}

/** The bot as activities name it in `recipient` and in `membersAdded`. */
export function botAccount(appId: string, botName = 'Shipmate'): { id: string; name: string } {
  return { id: `28:${appId}`, name: botName };
}

/** The answer of the product's `/api/messages`. */
export interface PostActivityResult {
  status: number;
  /** Parsed JSON when the answer was JSON, else the text (`''` for none). */
  body: unknown;
}

/** POSTs an activity to `${ingressUrl}/api/messages`, as the Bot Connector does. */
export async function postActivity(
  ingressUrl: string,
  activity: TeamsActivity,
  token?: string,
): Promise<PostActivityResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${ingressUrl}/api/messages`, {
    method: 'POST',
    headers,
    body: JSON.stringify(activity),
  });

  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json') && text !== '';
  return { status: response.status, body: isJson ? (JSON.parse(text) as unknown) : text };
}

const clientInfo = {
  type: 'clientInfo',
  locale: 'en-US',
  country: 'US',
  platform: 'Web',
  timezone: 'Europe/Berlin',
};

function base(context: ActivityContext, type: string, user: TeamsUser): TeamsActivity {
  const { conversation } = context;
  const now = new Date().toISOString();
  const teamAndChannel =
    conversation.team === undefined || conversation.channel === undefined
      ? {}
      : {
          teamsTeamId: conversation.team.id,
          teamsChannelId: conversation.channel.id,
          team: conversation.team,
          channel: conversation.channel,
        };

  return {
    type,
    timestamp: now,
    localTimestamp: now,
    channelId: 'msteams',
    serviceUrl: context.serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: {
      ...(conversation.conversationType === 'personal' ? {} : { isGroup: true }),
      conversationType: conversation.conversationType,
      tenantId: conversation.tenantId,
      id: conversation.id,
    },
    recipient: botAccount(context.appId, context.botName),
    channelData: { ...teamAndChannel, tenant: { id: conversation.tenantId } },
    locale: 'en-US',
    localTimezone: 'Europe/Berlin',
  };
}

let lastMessageId = 0;

/** Teams gives messages their epoch-millisecond time as id; these stay unique. */
function nextMessageId(): string {
  lastMessageId = Math.max(Date.now(), lastMessageId + 1);
  return String(lastMessageId);
}

/** Teams gives invokes and conversation updates ids like `f:<digits>`. */
function invokeId(): string {
  return `f:${BigInt(`0x${randomBytes(8).toString('hex')}`).toString()}`;
}
