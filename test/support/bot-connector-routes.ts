import { randomBytes } from 'node:crypto';

/** An activity the bot sent, with every version of it: as posted, then as updated. */
export interface ConnectorActivity {
  id: string;
  conversationId: string;
  /** The activity it answered, from `POST .../activities/{replyToId}`. */
  replyToId: string | undefined;
  /** The latest version. */
  body: Record<string, unknown>;
  /** `Date.now()` when it was first posted. */
  at: number;
  versions: Array<Record<string, unknown>>;
}

/** A conversation the bot created with `POST /v3/conversations`. */
export interface ConnectorConversation {
  id: string;
  /** The request body: `bot`, `members`, `isGroup`, `tenantId`, `channelData`, maybe `activity`. */
  body: Record<string, unknown>;
  /** The id given to `body.activity`, when one was sent along. */
  activityId: string | undefined;
  at: number;
}

/** A Teams user as the roster APIs return one (`TeamsChannelAccount`). */
export interface TeamsMember {
  /** `29:…`. */
  id: string;
  name: string;
  aadObjectId: string;
  userPrincipalName?: string;
  email?: string;
  givenName?: string;
  surname?: string;
  tenantId?: string;
  userRole?: string;
}

/** A request as the routes see it: authenticated, not failed on purpose, body parsed. */
export interface ConnectorRequest {
  method: string;
  /** Decoded path segments after `/v3/conversations`. */
  segments: string[];
  query: URLSearchParams;
  /** The JSON body of a POST or PUT; `{}` for a GET. */
  body: Record<string, unknown>;
}

/** An HTTP status and the JSON body to answer with. */
export type ConnectorAnswer = [number, unknown];

/** The Bot Connector operations the stub serves, with the state they keep. */
export interface BotConnectorRoutes {
  handle(request: ConnectorRequest): ConnectorAnswer;
  activities: ConnectorActivity[];
  conversations: ConnectorConversation[];
  members: Map<string, TeamsMember[]>;
  /** While set, `POST /v3/conversations` is refused with 403 and this error code. */
  refusal: { code: string | undefined };
}

const maxPageSize = 500;

/**
 * Builds the handlers behind the Bot Connector stub: send, reply to and update activities,
 * create a 1:1 conversation, and read the roster, with the Bot Framework's error body
 * `{ error: { code, message } }` when the service would refuse.
 */
export function createBotConnectorRoutes(): BotConnectorRoutes {
  const activities: ConnectorActivity[] = [];
  const conversations: ConnectorConversation[] = [];
  const members = new Map<string, TeamsMember[]>();
  const pages = new Map<string, number>();
  const refusal: { code: string | undefined } = { code: undefined };
  // Teams message ids are epoch milliseconds; these stay unique and increasing.
  let sequence = Date.now();
  const nextActivityId = (): string => String((sequence += 1));

  const post = (
    conversationId: string,
    replyToId: string | undefined,
    body: Record<string, unknown>,
  ) => {
    const activity = {
      id: nextActivityId(),
      conversationId,
      replyToId,
      body,
      at: Date.now(),
      versions: [body],
    };
    activities.push(activity);
    return activity;
  };

  const create = (body: Record<string, unknown>): ConnectorAnswer => {
    if (refusal.code !== undefined) {
      return [403, botError(refusal.code, 'The stand-in was told to refuse new conversations.')];
    }
    const member = asArray(body.members)?.[0] as Partial<TeamsMember> | undefined;
    const tenantId = tenantOf(body);
    if (body.isGroup === true || asArray(body.members)?.length !== 1 || !member?.id) {
      return [400, botError('BadSyntax', 'Only a 1:1 chat with one member can be created.')];
    }
    if (tenantId === undefined) return [400, botError('BadSyntax', 'tenantId is required.')];

    // Teams answers the same id for the same user: a 1:1 chat is created once.
    const existing = conversations.find(
      (c) => firstMemberId(c.body) === member.id && tenantOf(c.body) === tenantId,
    );
    const id = existing?.id ?? `a:1${randomBytes(48).toString('base64url')}`;
    if (!members.has(id)) members.set(id, [member as TeamsMember]);
    const activity = isObject(body.activity) ? post(id, undefined, body.activity) : undefined;
    conversations.push({ id, body, activityId: activity?.id, at: Date.now() });
    return [201, activity === undefined ? { id } : { id, activityId: activity.id }];
  };

  const update = (
    conversationId: string,
    activityId: string,
    body: Record<string, unknown>,
  ): ConnectorAnswer => {
    const activity = activities.find(
      (a) => a.conversationId === conversationId && a.id === activityId,
    );
    if (activity === undefined) {
      return [404, botError('ActivityNotFoundInConversation', 'Unknown activity id.')];
    }

    activity.body = body;
    activity.versions.push(activity.body);
    return [200, { id: activityId }];
  };

  const member = (conversationId: string, memberId: string | undefined): ConnectorAnswer => {
    const list = members.get(conversationId);
    if (list === undefined) return notFound('ConversationNotFound', 'Unknown conversation.');
    if (memberId === undefined) return [200, list];

    const found = list.find((m) => m.id === memberId || m.aadObjectId === memberId);
    if (found === undefined) {
      return notFound('MemberNotFoundInConversation', 'The user is not in this conversation.');
    }
    return [200, found];
  };

  const pagedMembers = (conversationId: string, query: URLSearchParams): ConnectorAnswer => {
    const list = members.get(conversationId);
    if (list === undefined) return notFound('ConversationNotFound', 'Unknown conversation.');
    const pageSize = Math.min(Number(query.get('pageSize') ?? maxPageSize) || 1, maxPageSize);
    const token = query.get('continuationToken');
    const start = token === null ? 0 : pages.get(token);
    if (start === undefined) return [400, botError('BadArgument', 'Unknown continuation token.')];

    const page = list.slice(start, start + pageSize);
    if (start + pageSize >= list.length) return [200, { members: page }];
    const continuationToken = randomBytes(12).toString('base64url');
    pages.set(continuationToken, start + pageSize);
    return [200, { members: page, continuationToken }];
  };

  const handle = ({ method, segments, query, body }: ConnectorRequest): ConnectorAnswer => {
    const [conversationId, kind, id, ...extra] = segments;
    const unserved = notFound('NotFound', `The stand-in does not serve ${method} this path.`);
    if (extra.length > 0 || conversationId === '') return unserved;

    if (conversationId === undefined) return method === 'POST' ? create(body) : unserved;
    if (kind === 'activities' && method === 'POST') {
      return [201, { id: post(conversationId, id, body).id }];
    }
    if (kind === 'activities' && method === 'PUT' && id !== undefined) {
      return update(conversationId, id, body);
    }
    if (kind === 'members' && method === 'GET') return member(conversationId, id);
    if (kind === 'pagedmembers' && method === 'GET' && id === undefined) {
      return pagedMembers(conversationId, query);
    }
    return unserved;
  };

  return { handle, activities, conversations, members, refusal };
}

/** The Bot Framework's `ErrorResponse` body. */
export function botError(code: string, message: string): { error: Record<string, string> } {
  return { error: { code, message } };
}

function notFound(code: string, message: string): ConnectorAnswer {
  return [404, botError(code, message)];
}

function tenantOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.tenantId === 'string' && body.tenantId !== '') return body.tenantId;
  const channelData = isObject(body.channelData) ? body.channelData : {};
  const tenant = isObject(channelData.tenant) ? channelData.tenant : {};
  return typeof tenant.id === 'string' && tenant.id !== '' ? tenant.id : undefined;
}

function firstMemberId(body: Record<string, unknown>): unknown {
  const first = asArray(body.members)?.[0];
  return isObject(first) ? first.id : undefined;
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
