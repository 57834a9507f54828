import type { SlackApiStub } from '../test/support/slack-api-stub.js';
import { sendSlashCommand, type SlackIngressResponse } from '../test/support/slack-request.js';
import { sleep, withTimeout } from './timing.js';

/** Options for {@link createChat}. */
export interface ChatOptions {
  ingressUrl: string;
  signingSecret: string;
  slack: SlackApiStub;
  channelId: string;
}

/** One slash command as sent: its response URL id, when it left and what the ack was. */
export interface SentCommand {
  id: string;
  /** `Date.now()` just before sending, to compare with the stub's `at`. */
  sentAtWall: number;
  ack: SlackIngressResponse;
}

/** The two scoring keys of a service. */
export interface ScoringKeys {
  primary: string;
  secondary: string;
}

/** A Slack user typing `/ml …`, with a fresh response URL per command. */
export interface Chat {
  send(text: string, id?: string): Promise<SentCommand>;
  /** The text of the first post to the command's response URL. */
  reply(id: string, timeoutMs?: number): Promise<string>;
  /** `keys show <service>` as a user would; undefined while the service has no keys. */
  keys(service: string): Promise<ScoringKeys | undefined>;
}

const keyPattern = /`([A-Za-z0-9_-]{40,})`/g;

export function createChat(options: ChatOptions): Chat {
  const { slack } = options;
  let sequence = 0;

  const send = async (text: string, id = `cmd-${++sequence}`): Promise<SentCommand> => {
    const sentAtWall = Date.now();
    const ack = await sendSlashCommand(options.ingressUrl, options.signingSecret, {
      text,
      userId: 'U0BENCH',
      userName: 'bench',
      channelId: options.channelId,
      teamId: 'T0SHIPMATE',
      responseUrl: slack.responseUrl(id),
    });
    return { id, sentAtWall, ack };
  };

  const reply = async (id: string, timeoutMs = 5_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const post = slack.responses.find((response) => response.id === id);
      if (post !== undefined) return (post.body as { text?: string }).text ?? '';
      await sleep(5);
    }
    throw new Error(`no reply at response URL ${id} within ${timeoutMs} ms`);
  };

  return {
    send,
    reply,
    async keys(service) {
      const sent = await withTimeout(send(`keys show ${service}`), 5_000, 'the keys ack');
      if (sent.ack.status !== 200) throw new Error(`keys show answered HTTP ${sent.ack.status}`);

      const text = await reply(sent.id);
      const [primary, secondary] = [...text.matchAll(keyPattern)].map((match) => match[1] ?? '');
      return primary && secondary ? { primary, secondary } : undefined;
    },
  };
}
