import type { SlackApiStub } from '../test/support/slack-api-stub.js';
import type { Chat, ScoringKeys } from './chat.js';
import { closeRoute, gatewayRoute, score } from './scoring-client.js';
import { since, sleep, withTimeout } from './timing.js';

/** One deploy, timed from sending the slash command. */
export interface DeployTiming {
  service: string;
  ackMs: number;
  /** Until `keys show` first answered with keys. */
  keysMs: number;
  /** Until the gateway first answered 200 with the key: the figure with the goal. */
  firstScoreMs: number;
  /** Until the channel status message said succeeded; NaN if it did not within the bound. */
  jobSucceededMs: number;
  keys: ScoringKeys;
}

/** Options for {@link timeDeployToScore}. */
export interface DeployToScoreOptions {
  chat: Chat;
  slack: SlackApiStub;
  gatewayUrl: string;
  service: string;
  /** Give up on the whole deploy after this long. */
  timeoutMs?: number;
  keysPollMs?: number;
  scorePollMs?: number;
}

/**
 * Sends `deploy diabetes:1 --name <service>`, asks `keys show` until the keys exist, then
 * scores through the gateway until the first 200.
 */
export async function timeDeployToScore(options: DeployToScoreOptions): Promise<DeployTiming> {
  const { chat, service } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = performance.now();
  const startedWall = Date.now();
  const overdue = (): boolean => since(started) > timeoutMs;

  const sent = await withTimeout(chat.send(`deploy diabetes:1 --name ${service}`), 5_000, 'ack');
  const ackMs = sent.ack.ms;
  if (sent.ack.status !== 200 || sent.ack.json !== undefined) {
    throw new Error(`deploy of ${service} was refused: HTTP ${sent.ack.status} ${sent.ack.body}`);
  }

  let keys: ScoringKeys | undefined;
  while (keys === undefined) {
    if (overdue()) throw new Error(`${service}: no keys within ${timeoutMs} ms`);
    keys = await chat.keys(service);
    if (keys === undefined) await sleep(options.keysPollMs ?? 50);
  }
  const keysMs = since(started);

  const route = gatewayRoute(options.gatewayUrl, service, keys.primary, 1);
  let firstScoreMs = Number.NaN;
  try {
    for (let last = 0; Number.isNaN(firstScoreMs);) {
      if (overdue()) throw new Error(`${service}: no 200 from the gateway (last HTTP ${last})`);
      last = (await score(route)).status;
      if (last === 200) firstScoreMs = since(started);
      else await sleep(options.scorePollMs ?? 10);
    }
  } finally {
    await closeRoute(route);
  }

  const jobSucceededMs = await succeededAt(options.slack, service, 30_000);
  return {
    service,
    ackMs,
    keysMs,
    firstScoreMs,
    jobSucceededMs: jobSucceededMs - startedWall,
    keys,
  };
}

/** `Date.now()` of the stub's first status-message version saying the deploy succeeded. */
async function succeededAt(slack: SlackApiStub, service: string, timeoutMs: number) {
  const marker = `as ${service} — succeeded`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const call = slack.calls.find((c) => JSON.stringify(c.args).includes(marker));
    if (call !== undefined) return call.at;
    await sleep(20);
  }
  return Number.NaN;
}
