import { randomUUID } from 'node:crypto';

import {
  TeamsInfo,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type TeamsChannelAccount,
  type TurnContext,
} from 'botbuilder';

import { ChannelPacer } from '../../notify/channel-pacer.js';
import { NotFoundError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import {
  channelOf,
  type StoredReference,
  type TeamsDirectory,
  type TeamsUser,
} from './teams-directory.js';

/** Options for {@link TeamsOutbox}. */
export interface TeamsOutboxOptions {
  adapter: CloudAdapter;
  appId: string;
  directory: TeamsDirectory;
  logger: Logger;
  /** Minimum gap between two writes to one conversation; Teams allows about 7 a second. */
  gapMs?: number;
  /** Waits before the retries of a refused write, when the connector names none. */
  backoffMs?: readonly number[];
}

/** Statuses after which the same write may succeed: throttled, or the connector hiccuped. */
const retryable = new Set([412, 429, 500, 502, 503, 504]);
const defaultBackoffMs = [500, 1_000, 2_000, 4_000, 8_000, 16_000];

/**
 * Every write the bot makes to Teams goes through here: per conversation, one at a time and
 * at most about seven a second, and a write the connector refuses with 429, 412, 500, 502, 503
 * or 504 is tried again after its `Retry-After` or a growing wait, so nothing is dropped for being
 * throttled. The writes of one conversation keep their order, retries included.
 */
export class TeamsOutbox {
  readonly #options: TeamsOutboxOptions;
  readonly #pacer: ChannelPacer;

  constructor(options: TeamsOutboxOptions) {
    this.#options = options;
    this.#pacer = new ChannelPacer(options.gapMs ?? 150);
  }

  /**
   * Posts an activity into a conversation, named by id (one the directory knows) or by the
   * reference of an activity just received; resolves to the new activity's id.
   */
  async send(where: Where, activity: Partial<Activity>): Promise<string> {
    let id = '';
    await this.#write(where, async (context) => {
      const sent = await context.sendActivity(activity);
      id = sent?.id ?? '';
    });
    return id;
  }

  /** Replaces an activity the bot posted earlier (a status card) with a new version. */
  async update(
    conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    await this.#write(conversationId, async (context) => {
      await context.updateActivity({ ...activity, id: activityId });
    });
  }

  /** The people of a conversation, as Teams lists them (ids, names, AAD object ids). */
  async members(conversationId: string): Promise<TeamsChannelAccount[]> {
    const members: TeamsChannelAccount[] = [];
    await this.#continue(
      conversationId,
      async (context) => {
        let token: string | undefined;
        do {
          const page: { members: TeamsChannelAccount[]; continuationToken?: string } =
            await TeamsInfo.getPagedMembers(context, 100, token);
          members.push(...page.members);
          // Typed as always there, but absent on the last page.
          token = page.continuationToken;
        } while (token !== undefined && token !== '' && members.length < 10_000);
      },
      // A channel thread has the channel's roster.
      channelOf(conversationId),
    );
    return members;
  }

  /**
   * The bot's personal (1:1) chat with a user, opened if none is known yet. Rejects when Teams
   * will not open one, e.g. because the user has not installed the app for themselves.
   */
  async personalChat(user: TeamsUser): Promise<string> {
    if (user.personalConversationId !== undefined) return user.personalConversationId;

    const { adapter, appId, directory } = this.#options;
    let reference: StoredReference | undefined;
    await adapter.createConversationAsync(
      appId,
      'msteams',
      user.serviceUrl,
      // The audience of the token for the connector; the SDK's own default for Teams.
      'https://api.botframework.com',
      {
        isGroup: false,
        bot: { id: `28:${appId}`, name: 'Shipmate' },
        members: [{ id: user.id, name: user.name }],
        tenantId: user.tenantId ?? '',
        channelData: user.tenantId ? { tenant: { id: user.tenantId } } : {},
      },
      (context) => {
        const made = context.activity;
        reference = {
          serviceUrl: made.serviceUrl,
          channelId: 'msteams',
          conversation: {
            id: made.conversation.id,
            conversationType: 'personal',
            ...(user.tenantId ? { tenantId: user.tenantId } : {}),
          },
          bot: { id: made.recipient.id },
        };
        return Promise.resolve();
      },
    );
    if (reference === undefined) throw new Error('Teams opened no conversation');
    await directory.setPersonalConversation(user, reference);
    return reference.conversation.id;
  }

  /** Resolves once every write scheduled so far is done. */
  idle(): Promise<void> {
    return this.#pacer.idle();
  }

  #write(where: Where, work: (context: TurnContext) => Promise<void>): Promise<void> {
    const conversationId = idOf(where);
    // A unique key: the pacer coalesces tasks with equal keys, and no write may be skipped.
    return this.#pacer.run(conversationId, randomUUID(), () =>
      this.#withRetry(conversationId, () => this.#continue(where, work)),
    );
  }

  /** Runs `work` in a turn of the conversation, or of `as` (another id in the same place). */
  async #continue(
    where: Where,
    work: (context: TurnContext) => Promise<void>,
    as = idOf(where),
  ): Promise<void> {
    const conversationId = idOf(where);
    const reference =
      typeof where === 'string' ? await this.#options.directory.conversation(where) : where;
    if (reference === undefined) {
      throw new NotFoundError({
        code: 'teams_conversation_unknown',
        userMessage:
          `Shipmate has not been added to the Teams conversation ${conversationId}, ` +
          'so it cannot post there. Add the app to it, or mention @Shipmate there once.',
      });
    }
    await this.#options.adapter.continueConversationAsync(
      this.#options.appId,
      {
        ...reference,
        conversation: { ...reference.conversation, id: as },
      } as Partial<ConversationReference>,
      work,
    );
  }

  async #withRetry(conversationId: string, write: () => Promise<void>): Promise<void> {
    const backoff = this.#options.backoffMs ?? defaultBackoffMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await write();
        return;
      } catch (error) {
        const status = statusOf(error);
        if (status === undefined || !retryable.has(status) || attempt >= backoff.length) {
          throw error;
        }
        const waitMs = retryAfterMs(error) ?? backoff[attempt] ?? 1_000;
        this.#options.logger.warn(
          { conversationId, status, attempt: attempt + 1, waitMs },
          'Teams refused a write; trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }
}

/** A conversation by id, or by a reference in hand. */
export type Where = string | StoredReference;

function idOf(where: Where): string {
  return typeof where === 'string' ? where : where.conversation.id;
}

/** The HTTP status of a failed connector call (a RestError from the SDK's pipeline). */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get?: (name: string) => unknown } } })
    .response?.headers;
  const value = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  const seconds = typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) * 1_000 : undefined;
}
