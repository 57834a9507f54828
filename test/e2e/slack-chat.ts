import type { SlackApiStub } from '../support/slack-api-stub.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { waitFor } from '../support/wait-for.js';

/** A person typing `/ml …` in one channel, and what came back to them. */
export interface SlackChat {
  /** Sends the command as `user`; resolves to the response URL id its replies land on. */
  send(text: string, user?: string): Promise<string>;
  /** The first text posted to a response URL id. */
  reply(responseId: string): Promise<string>;
  /**
   * Sends a command that starts a job and waits for its status message to end. With an
   * approver, waits for the job to await approval and approves it as that user first.
   */
  runJob(
    text: string,
    user?: string,
    approver?: string,
  ): Promise<{ jobId: string; status: string }>;
  /** Replies that rode on the acknowledgement (parse errors), by response URL id. */
  acks: ReadonlyMap<string, string>;
  /** Who sent the command behind each response URL id. */
  senders: ReadonlyMap<string, string>;
}

/** Options for {@link createSlackChat}. */
export interface SlackChatOptions {
  ingressUrl: () => string;
  slack: SlackApiStub;
  signingSecret: string;
  channelId: string;
}

let sequence = 0;

/** Drives the product through signed slash commands, as Slack would send them. */
export function createSlackChat(options: SlackChatOptions): SlackChat {
  const { slack } = options;
  const acks = new Map<string, string>();
  const senders = new Map<string, string>();

  const send = async (text: string, user = 'U0ALICE'): Promise<string> => {
    sequence += 1;
    const id = `r${sequence}`;
    senders.set(id, user);
    const ack = await sendSlashCommand(options.ingressUrl(), options.signingSecret, {
      text,
      userId: user,
      userName: user.toLowerCase().replace(/^u0/, ''),
      channelId: options.channelId,
      teamId: 'T0SHIP',
      responseUrl: slack.responseUrl(id),
      triggerId: `trigger-${sequence}-${Date.now()}`,
    });
    if (ack.status !== 200) throw new Error(`\`${text}\` was answered ${ack.status}`);
    // A parse error rides on the acknowledgement itself.
    const acked = (ack.json as { text?: string } | undefined)?.text;
    if (acked !== undefined) acks.set(id, acked);
    return id;
  };

  const reply = (responseId: string): Promise<string> =>
    waitFor(
      () => {
        const post = slack.responses.find((r) => r.id === responseId);
        return acks.get(responseId) ?? (post && ((post.body as { text?: string }).text ?? ''));
      },
      { what: `a reply on ${responseId}`, timeoutMs: 20_000 },
    );

  return {
    send,
    reply,
    acks,
    senders,
    async runJob(text, user, approver) {
      const answer = await reply(await send(text, user));
      const jobId = /job ([a-z0-9]+)/.exec(answer)?.[1];
      if (jobId === undefined) throw new Error(`\`${text}\` started no job:\n${answer}`);

      if (approver !== undefined) {
        await waitFor(
          () =>
            [...slack.messages.values()].some(
              (m) => m.text?.startsWith(`job ${jobId} `) && m.text.includes('awaiting approval'),
            ),
          { what: `job ${jobId} to await approval`, timeoutMs: 20_000, intervalMs: 20 },
        );
        await reply(await send(`approve ${jobId}`, approver));
      }

      const status = await waitFor(
        () =>
          [...slack.messages.values()]
            .map((m) => m.text ?? '')
            .find((t) => t.startsWith(`job ${jobId} `) && /— (succeeded|failed)/.test(t)),
        { what: `job ${jobId} to end`, timeoutMs: 60_000, intervalMs: 20 },
      );
      return { jobId, status };
    },
  };
}
