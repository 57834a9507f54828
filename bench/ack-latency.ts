import type { SlackApiStub } from '../test/support/slack-api-stub.js';
import type { Chat } from './chat.js';
import { summarize, type Summary } from './stats.js';
import { sleep, withTimeout } from './timing.js';

/** Options for {@link measureAckLatency}. */
export interface AckLatencyOptions {
  chat: Chat;
  slack: SlackApiStub;
  ratePerSecond: number;
  count: number;
  /** Real deploys spread over the run, each a new service. */
  deployNames: readonly string[];
  /** An existing service: deploys to it are refused after the ack, and it can be shown. */
  existing: string;
  /** Commands sent (at a lower rate) before measuring, so the JIT is warm. */
  warmUp: number;
}

/** What the open-loop run saw. */
export interface AckLatency {
  ack: Summary;
  byKind: Record<string, Summary>;
  /** Replies that came later through the response URL, from sending the command. */
  reply: Summary;
  repliesMissing: number;
  failed: number;
  /** How late the load generator fired, worst case: large values mean it could not keep up. */
  maxScheduleLagMs: number;
  seconds: number;
}

type Kind = 'help' | 'service list' | 'bad' | 'deploy (refused)' | 'service show' | 'deploy';

interface Command {
  kind: Kind;
  text: string;
}

interface Sample {
  kind: Kind;
  id: string;
  ms: number;
  sentAtWall: number;
  /** Whether a reply is due at the response URL: not for parse errors or queued jobs. */
  replyDue: boolean;
}

/**
 * Fires slash commands on a fixed schedule without waiting for earlier ones (open loop) and
 * records each ack's latency: from sending the signed request to reading the response.
 */
export async function measureAckLatency(options: AckLatencyOptions): Promise<AckLatency> {
  const { chat } = options;
  for (let i = 0; i < options.warmUp; i += 1) {
    await withTimeout(
      chat.send(commandFor(i, options, false).text, `warm-${i}`),
      10_000,
      'warm-up ack',
    );
    await sleep(50);
  }

  const interval = 1000 / options.ratePerSecond;
  const start = performance.now() + 20;
  const pending: Array<Promise<Sample | undefined>> = [];
  let maxLag = 0;
  for (let i = 0; i < options.count; i += 1) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxLag = Math.max(maxLag, performance.now() - due);
    pending.push(fire(chat, i, options));
  }
  const samples = await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;

  const ok = samples.filter((s): s is Sample => s !== undefined);
  const replies = await collectReplies(
    options.slack,
    ok.filter((s) => s.replyDue),
  );
  const kinds = [...new Set(ok.map((s) => s.kind))];
  return {
    ack: summarize(ok.map((s) => s.ms)),
    byKind: Object.fromEntries(
      kinds.map((kind) => [kind, summarize(ok.filter((s) => s.kind === kind).map((s) => s.ms))]),
    ),
    reply: summarize(replies.latencies),
    repliesMissing: replies.missing,
    failed: samples.length - ok.length,
    maxScheduleLagMs: maxLag,
    seconds,
  };
}

async function fire(chat: Chat, i: number, options: AckLatencyOptions) {
  const { kind, text } = commandFor(i, options);
  try {
    const sent = await withTimeout(chat.send(text, `ack-${i}`), 10_000, `ack of command ${i}`);
    if (sent.ack.status !== 200) return undefined;
    const replyDue = kind !== 'deploy' && sent.ack.json === undefined;
    return { kind, id: sent.id, ms: sent.ack.ms, sentAtWall: sent.sentAtWall, replyDue };
  } catch {
    return undefined;
  }
}

/** The realistic mix: mostly reads and mistakes, a few real deploys spread evenly. */
function commandFor(i: number, options: AckLatencyOptions, deploys = true): Command {
  const names = options.deployNames;
  const slot = names.findIndex(
    (_, k) => Math.floor(((k + 0.5) * options.count) / names.length) === i,
  );
  if (deploys && slot >= 0) {
    return { kind: 'deploy', text: `deploy diabetes:1 --name ${names[slot] ?? ''}` };
  }
  switch (i % 5) {
    case 0:
      return { kind: 'help', text: i % 10 === 0 ? 'help' : 'help deploy' };
    case 1:
      return { kind: 'service list', text: 'service list' };
    case 2:
      return { kind: 'bad', text: i % 10 === 2 ? 'dance' : 'deploy diabetes:1 --name Bad_Name' };
    case 3:
      return { kind: 'deploy (refused)', text: `deploy diabetes:1 --name ${options.existing}` };
    default:
      return { kind: 'service show', text: `service show ${options.existing}` };
  }
}

/** Waits (bounded) for every due reply and returns their latencies from sending. */
async function collectReplies(slack: SlackApiStub, due: Sample[]) {
  const deadline = Date.now() + 15_000;
  const arrived = (): Map<string, number> =>
    new Map(slack.responses.filter((r) => r.id.startsWith('ack-')).map((r) => [r.id, r.at]));
  let seen = arrived();
  while (due.some((s) => !seen.has(s.id)) && Date.now() < deadline) {
    await sleep(50);
    seen = arrived();
  }
  const latencies = due.flatMap((s) => {
    const at = seen.get(s.id);
    return at === undefined ? [] : [at - s.sentAtWall];
  });
  return { latencies, missing: due.length - latencies.length };
}
