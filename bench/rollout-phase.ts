import { Pool } from 'undici';

import type { SlackApiStub } from '../test/support/slack-api-stub.js';
import type { Chat } from './chat.js';
import { diabetesBody } from './scoring-client.js';
import { summarize, type Summary } from './stats.js';
import { sleep } from './timing.js';

/** The traffic split as observed, against the effective shares asked for. */
export interface ObservedSplit {
  requests: number;
  errors: number;
  expected: Record<string, number>;
  observed: Record<string, number>;
  /** The largest gap between an observed and an expected share, in points. */
  maxDeviation: number;
}

/** Latency and failures of a steady stream while a version was replaced. */
export interface SwitchLatency {
  before: Summary;
  during: Summary;
  failures: number;
  switchMs: number;
}

/** Options for the rollout phase. */
export interface RolloutOptions {
  chat: Chat;
  slack: SlackApiStub;
  gatewayUrl: string;
  service: string;
  key: string;
  progress: (text: string) => void;
}

/** Sends a command and waits for its job's status message to say it ended. */
async function runJob(options: RolloutOptions, text: string): Promise<number> {
  const started = performance.now();
  const sent = await options.chat.send(text);
  const reply = await options.chat.reply(sent.id, 10_000);
  const jobId = /job ([a-z0-9]+)/.exec(reply)?.[1];
  if (jobId === undefined) throw new Error(`\`${text}\` queued no job: ${reply}`);

  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(10)) {
    const ended = options.slack.calls.find((call) => {
      const body = JSON.stringify(call.args);
      return body.includes(`job ${jobId} `) && /— (succeeded|failed)/.test(body);
    });
    if (ended === undefined) continue;
    if (!JSON.stringify(ended.args).includes('— succeeded')) throw new Error(`${text} failed`);
    return performance.now() - started;
  }
  throw new Error(`job ${jobId} (${text}) did not end within 60 s`);
}

type Sample = { at: number; ms: number; status: number; version: string };

/**
 * `clients` loops scoring while `more()` says so; the latency, status and serving version of
 * every request, unpinned.
 */
async function stream(
  options: RolloutOptions,
  clients: number,
  more: () => boolean,
): Promise<Sample[]> {
  const pool = new Pool(options.gatewayUrl, { connections: clients });
  const seen: Sample[] = [];
  const client = async () => {
    while (more()) {
      const at = performance.now();
      try {
        const answer = await pool.request({
          path: `/api/v1/service/${options.service}/score`,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key}` },
          body: diabetesBody,
        });
        await answer.body.text();
        const version = String(answer.headers['azureml-model-deployment'] ?? '');
        seen.push({ at, ms: performance.now() - at, status: answer.statusCode, version });
      } catch {
        seen.push({ at, ms: performance.now() - at, status: 0, version: '' });
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  await pool.close();
  return seen;
}

/** True until `until` resolves. */
function until(done: Promise<unknown>): () => boolean {
  let over = false;
  void done.finally(() => (over = true));
  return () => !over;
}

/**
 * Adds a canary at 30 % and counts, over `requests` unpinned requests, which version served
 * each (no seed: the gateway's own random draws).
 */
export async function measureSplit(options: RolloutOptions, requests: number) {
  options.progress('5: adding a canary version at 30 %');
  await runJob(
    options,
    `endpoint version add ${options.service} canary --model diabetes:2 --traffic 30`,
  );

  options.progress(`5: ${requests} requests to observe the split`);
  let left = requests;
  const samples = await stream(options, 8, () => left-- > 0);
  const errors = samples.filter((sample) => sample.status !== 200).length;
  const counts: Record<string, number> = {};
  for (const { version } of samples) counts[version] = (counts[version] ?? 0) + 1;

  const expected: Record<string, number> = { 'diabetes-1': 70, canary: 30 };
  const observed = Object.fromEntries(
    Object.entries(counts).map(([v, n]) => [v, (n / requests) * 100]),
  );
  const maxDeviation = Math.max(
    ...Object.entries(expected).map(([v, share]) => Math.abs((observed[v] ?? 0) - share)),
  );
  return { requests, errors, expected, observed, maxDeviation } satisfies ObservedSplit;
}

/**
 * Streams requests from 8 clients for 2 s, then through `service update` replacing the default
 * version's replicas with model 2, and reports latency before and during the switch.
 */
export async function measureSwitch(options: RolloutOptions): Promise<SwitchLatency> {
  options.progress('5: steady stream before the switch');
  const before = await stream(options, 8, until(sleep(2_000)));

  options.progress('5: steady stream through `service update --model diabetes:2`');
  let switchMs = 0;
  const update = runJob(options, `service update ${options.service} --model diabetes:2`).then(
    (ms) => (switchMs = ms),
  );
  const during = await stream(options, 8, until(update.then(() => sleep(500))));
  await update;

  const failures = [...before, ...during].filter((s) => s.status !== 200).length;
  return {
    before: summarize(before.map((s) => s.ms)),
    during: summarize(during.map((s) => s.ms)),
    failures,
    switchMs,
  };
}
