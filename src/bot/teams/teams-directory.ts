import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** What the bot must know to write into a conversation without being asked: a reference. */
const storedReference = z.object({
  serviceUrl: z.url(),
  channelId: z.string().min(1),
  conversation: z.object({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
  }),
  bot: z.object({ id: z.string().min(1), name: z.string().optional() }),
});
export type StoredReference = z.infer<typeof storedReference>;

/** The parts of an incoming activity the directory keeps; the SDK's types promise more. */
const seenActivity = z.object({
  serviceUrl: z.url(),
  channelId: z.string().min(1),
  conversation: storedReference.shape.conversation,
  recipient: storedReference.shape.bot,
  from: z
    .object({
      id: z.string().min(1),
      name: z.string().optional(),
      aadObjectId: z.string().min(1).optional(),
    })
    .optional(),
  channelData: z.object({ tenant: z.object({ id: z.string().min(1) }).optional() }).optional(),
});

/** A Teams user as last seen: their id in Teams (`29:…`) and where to reach them. */
const teamsUser = z.object({
  /** The user's Teams id (an MRI); cards' `refresh.userIds` and 1:1 chats name users by it. */
  id: z.string().min(1),
  aadObjectId: z.string().min(1),
  name: z.string(),
  tenantId: z.string().optional(),
  serviceUrl: z.url(),
  /** The bot's personal chat with this user, once one is known. */
  personalConversationId: z.string().optional(),
});
export type TeamsUser = z.infer<typeof teamsUser>;

const ttlSeconds = 90 * 24 * 3600;

/**
 * The conversations and users the bot has seen, kept in Redis so that any serve process can
 * post a status card or a private message later. Teams gives a bot no other way to find a
 * conversation: it must have received an activity from it (a message, or being added).
 */
export class TeamsDirectory {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /**
   * Records the conversation and the sender of an incoming activity. A message in a channel
   * thread (`19:…;messageid=…`) also records the channel itself, so a policy may name the
   * channel (`teams:19:…`) once the bot has been mentioned anywhere in it.
   */
  async remember(incoming: Partial<Activity>): Promise<void> {
    const parsed = seenActivity.safeParse(incoming);
    if (!parsed.success) return;

    const activity = parsed.data;
    const reference = toReference(activity);
    const { conversation, from } = activity;
    const writes = this.#redis.multi();
    writes.set(conversationKey(conversation.id), JSON.stringify(reference), 'EX', ttlSeconds);
    const channelId = channelOf(conversation.id);
    if (channelId !== conversation.id) {
      const channel = { ...reference, conversation: { ...reference.conversation, id: channelId } };
      writes.set(conversationKey(channelId), JSON.stringify(channel), 'EX', ttlSeconds);
    }

    const tenantId = reference.conversation.tenantId;
    if (from?.aadObjectId !== undefined) {
      const known = await this.user(from.aadObjectId);
      const personal = conversation.conversationType === 'personal' ? conversation.id : undefined;
      const personalConversationId = personal ?? known?.personalConversationId;
      const user: TeamsUser = {
        id: from.id,
        aadObjectId: from.aadObjectId,
        name: from.name ?? '',
        ...(tenantId ? { tenantId } : {}),
        serviceUrl: activity.serviceUrl,
        ...(personalConversationId ? { personalConversationId } : {}),
      };
      writes.set(userKey(from.aadObjectId), JSON.stringify(user), 'EX', ttlSeconds);
    }
    await writes.exec();
  }

  /** The reference of a conversation the bot has seen, with the thread part kept. */
  async conversation(conversationId: string): Promise<StoredReference | undefined> {
    return read(this.#redis, conversationKey(conversationId), storedReference);
  }

  async user(aadObjectId: string): Promise<TeamsUser | undefined> {
    return read(this.#redis, userKey(aadObjectId), teamsUser);
  }

  /** Remembers the personal chat opened with a user, so the next secret goes straight there. */
  async setPersonalConversation(user: TeamsUser, reference: StoredReference): Promise<void> {
    await this.#redis
      .multi()
      .set(
        userKey(user.aadObjectId),
        JSON.stringify({ ...user, personalConversationId: reference.conversation.id }),
        'EX',
        ttlSeconds,
      )
      .set(conversationKey(reference.conversation.id), JSON.stringify(reference), 'EX', ttlSeconds)
      .exec();
  }
}

/** The channel of a channel thread (`19:…;messageid=…`); any other id as it is. */
export function channelOf(conversationId: string): string {
  return conversationId.split(';')[0] ?? conversationId;
}

/** The reference of an incoming activity: where a reply to it goes. */
export function referenceOf(incoming: Partial<Activity>): StoredReference | undefined {
  const parsed = seenActivity.safeParse(incoming);
  return parsed.success ? toReference(parsed.data) : undefined;
}

function toReference(activity: z.infer<typeof seenActivity>): StoredReference {
  const { conversation } = activity;
  const tenantId = conversation.tenantId ?? activity.channelData?.tenant?.id;
  return {
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    conversation: { ...conversation, ...(tenantId ? { tenantId } : {}) },
    bot: activity.recipient,
  };
}

async function read<T>(redis: Redis, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await redis.get(key);
  if (text === null) return undefined;
  const parsed = schema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

const conversationKey = (id: string) => `shipmate:teams:conversation:${id}`;
const userKey = (aadObjectId: string) => `shipmate:teams:user:${aadObjectId.toLowerCase()}`;
