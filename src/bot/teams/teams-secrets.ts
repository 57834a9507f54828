import type { Redis } from 'ioredis';

import { keyHandoffText } from '../../handlers/key-handoff.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import type { Logger } from '../../platform/logger.js';
import type { JobView } from '../../queue/job-view.js';
import { textActivity } from './card-text.js';
import type { TeamsDirectory } from './teams-directory.js';
import type { TeamsOutbox } from './teams-outbox.js';

/** Options for {@link TeamsSecrets}. */
export interface TeamsSecretsOptions {
  outbox: TeamsOutbox;
  directory: TeamsDirectory;
  redis: Redis;
  deps: HandlerDeps;
  logger: Logger;
}

/** Who is to receive a secret, and where they asked for it. */
export interface SecretRecipient {
  /** AAD object id. */
  userId: string;
  conversationId: string;
}

const claimTtlSeconds = 30 * 24 * 3600;

/**
 * Keys, tokens and the audit log in Teams: a channel or group chat has no message only one
 * person sees, so these go only to the asker's personal (1:1) chat with the bot, opened when
 * needed. When
 * Teams will not open one, the asker is told how to, and the secret is not shown anywhere.
 */
export class TeamsSecrets {
  readonly #options: TeamsSecretsOptions;

  constructor(options: TeamsSecretsOptions) {
    this.#options = options;
  }

  /**
   * Sends `text` privately; resolves to what to say where it was asked, if anything. The
   * summary is what a notification shows, so it never holds the text itself.
   */
  async deliver(to: SecretRecipient, text: string, summary: string): Promise<string | undefined> {
    const { outbox, directory } = this.#options;
    const here = await directory.conversation(to.conversationId);
    if (here?.conversation.conversationType === 'personal') {
      await outbox.send(to.conversationId, textActivity(text, summary));
      return undefined;
    }

    const user = await directory.user(to.userId);
    try {
      if (user === undefined) throw new Error('this Teams user was never seen');
      const personal = await outbox.personalChat(user);
      await outbox.send(personal, textActivity(text, summary));
    } catch (error) {
      this.#options.logger.warn(
        { err: error, userId: to.userId },
        'could not open a personal chat to hand over a secret',
      );
      return howToOpenPersonalChat;
    }
    return 'Sent to you in your personal chat with Shipmate; it is not shown here.';
  }

  /** After a `keys regen` job succeeds: hands the new key to the person who asked. */
  handOver(view: JobView): void {
    this.#handOver(view).catch((error: unknown) => {
      // The key is safe where it is; the person can still read it with `keys show`.
      this.#options.logger.warn({ err: error, jobId: view.id }, 'could not hand over a new key');
    });
  }

  async #handOver(view: JobView): Promise<void> {
    const origin = view.data.origin;
    if (origin.platform !== 'teams' || view.data.kind !== 'keys.regen') return;
    if (view.state !== 'succeeded') return;

    // Every serve process sees the job end; one of them hands the key over, once.
    const claim = `shipmate:handoff:${view.id}`;
    const { redis, deps, outbox } = this.#options;
    if ((await redis.set(claim, '1', 'EX', claimTtlSeconds, 'NX')) !== 'OK') return;
    const text = await keyHandoffText(view, deps);
    if (text === undefined) return;

    const answer = await this.deliver(
      { userId: origin.userId, conversationId: origin.channelId },
      text,
      'A key or token from Shipmate (only in this chat)',
    );
    if (answer === howToOpenPersonalChat) {
      await outbox.send(
        origin.channelId,
        textActivity(
          `The new key of ${view.data.service} is ready, but Shipmate could not reach ` +
            `${origin.userName || 'you'} in a personal chat. ${howToOpenPersonalChat}`,
        ),
      );
    }
  }
}

export const howToOpenPersonalChat =
  'Keys, tokens and the audit log are only sent in a personal chat, and Shipmate could not ' +
  'open one with you. Open Teams, start a new chat with Shipmate (or add the Shipmate app ' +
  'for yourself from Apps), and ask there, for example `ml keys show <service>`. Nothing ' +
  'secret was shown.';
