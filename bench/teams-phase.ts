import type { BotConnectorStub } from '../test/support/bot-connector-stub.js';
import { messageActivity, postActivity } from '../test/support/teams-activities.js';
import { channelThread, teamsUser } from '../test/support/teams-conversations.js';
import { summarize, type Summary } from './stats.js';
import { sleep } from './timing.js';

/** The Teams stand-ins the product was started against, and a valid channel token. */
export interface TeamsBench {
  connector: BotConnectorStub;
  appId: string;
  tenantId: string;
  /** A channel token for the connector's serviceUrl; the Bot Connector reuses one too. */
  token: string;
}

/** What the Teams phase saw. */
export interface TeamsLatency {
  /** From POSTing a signed activity to the HTTP answer (token checked, command parsed). */
  ack: Summary;
  /** From POSTing the message to its reply card reaching the connector. */
  reply: Summary;
  failed: number;
  missing: number;
  conversations: number;
  /** The smallest gap between two writes the connector accepted in one conversation. */
  minGapMs: number;
}

/**
 * Messages from several Teams channels at a fixed rate, open loop, each with the channel's
 * JWT checked by the product. Replies are paced per conversation, so the reply figure shows
 * the pacing as well as the work; the k-th reply of a conversation answers its k-th message.
 */
export async function measureTeams(
  bench: TeamsBench,
  options: {
    ingressUrl: string;
    count: number;
    ratePerSecond: number;
    conversations: number;
    existing: string;
  },
): Promise<TeamsLatency> {
  const user = teamsUser('Bench');
  const channels = Array.from({ length: options.conversations }, () =>
    channelThread({ tenantId: bench.tenantId }),
  );
  const sent = new Map<string, number[]>(channels.map((c) => [c.id, []]));
  const acks: number[] = [];
  let failed = 0;
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];

  for (let i = 0; i < options.count; i += 1) {
    const due = started + (i * 1000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);

    const conversation = channels[i % channels.length] ?? channels[0];
    if (conversation === undefined) break;
    const text = i % 2 === 0 ? `service show ${options.existing}` : 'help service show';
    const activity = messageActivity({
      text,
      user,
      conversation,
      serviceUrl: bench.connector.serviceUrl,
      appId: bench.appId,
    });
    sent.get(conversation.id)?.push(Date.now());
    const t0 = performance.now();
    inFlight.push(
      postActivity(options.ingressUrl, activity, bench.token)
        .then((answer) => {
          acks.push(performance.now() - t0);
          if (answer.status !== 200) failed += 1;
        })
        .catch(() => void (failed += 1)),
    );
  }
  await Promise.all(inFlight);

  // Paced at about seven a second per conversation, the replies trail the messages.
  const deadline = Date.now() + 60_000;
  const expected = options.count;
  while (Date.now() < deadline) {
    const got = channels.reduce((n, c) => n + bench.connector.activities(c.id).length, 0);
    if (got >= expected) break;
    await sleep(100);
  }

  const replies: number[] = [];
  let missing = 0;
  let minGapMs = Number.POSITIVE_INFINITY;
  for (const channel of channels) {
    const answered = bench.connector.activities(channel.id).map((a) => a.at);
    const asked = sent.get(channel.id) ?? [];
    missing += Math.max(0, asked.length - answered.length);
    answered.forEach((at, k) => {
      const askedAt = asked[k];
      if (askedAt !== undefined) replies.push(at - askedAt);
      const previous = answered[k - 1];
      if (previous !== undefined) minGapMs = Math.min(minGapMs, at - previous);
    });
  }
  return {
    ack: summarize(acks),
    reply: summarize(replies),
    failed,
    missing,
    conversations: channels.length,
    minGapMs,
  };
}
