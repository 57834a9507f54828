import type { AckLatency } from './ack-latency.js';
import type { CpuShare } from './cpu-usage.js';
import type { DeployTiming } from './deploy-to-score.js';
import type { ObservedSplit, SwitchLatency } from './rollout-phase.js';
import type { ScoringLatency } from './scoring-latency.js';
import type { TeamsLatency } from './teams-phase.js';
import type { Throughput } from './scoring-throughput.js';
import { percentile, round } from './stats.js';

/** Direct and gateway throughput of one service shape. */
export interface ThroughputPair {
  replicas: number;
  clients: number;
  direct: Throughput;
  gateway: Throughput;
}

/** Everything one bench run measured. */
export interface BenchResults {
  deploys: Array<Omit<DeployTiming, 'keys'>>;
  /** With the number of `auth.test` calls the product made to Slack meanwhile. */
  ack: AckLatency & { authTests: number };
  teams: TeamsLatency;
  latency: ScoringLatency;
  throughput: ThroughputPair[];
  /** The pair the throughput goal is judged on. */
  judgedReplicas: number;
  rollout: { split: ObservedSplit; switched: SwitchLatency };
  cpu: Record<string, CpuShare>;
  productWarnings: { logLines: string[]; failedSlackCalls: number };
}

/** The goals of the brief. */
export const goals = {
  ackP99Ms: 50,
  deployToScoreMs: 5_000,
  gatewayAddedP50Ms: 1,
  throughputRatio: 0.7,
  splitDeviationPoints: 1,
  failedDuringSwitch: 0,
} as const;

/** measure, figure, goal, PASS / MISSED (empty for figures without a goal). */
export type Row = [measure: string, figure: string, goal: string, verdict: string];

const ms = (value: number): string => `${round(value, 2).toFixed(2)} ms`;
const pair = (a: number, b: number): string => `${ms(a)} / ${ms(b)}`;

/** CPU milliseconds each process group spent per answered request, from the run's shares. */
function perRequest(run: Throughput): string {
  if (run.cpu === undefined || run.requestsPerSecond === 0) return 'not measured';
  const cost = (share: number): string => round((share * 10) / run.requestsPerSecond, 3).toFixed(3);
  const { product, runners, bench } = run.cpu;
  return `${cost(product)} / ${cost(runners)} / ${cost(bench)}`;
}

/** The table rows, goal rows with PASS or MISSED, and how many goals were missed. */
export function tableRows(results: BenchResults): { rows: Row[]; missed: number } {
  const rows: Row[] = [];
  let missed = 0;
  const goal = (measure: string, figure: string, target: string, pass: boolean): void => {
    if (!pass) missed += 1;
    rows.push([measure, figure, target, pass ? 'PASS' : 'MISSED']);
  };
  const info = (measure: string, figure: string): void => void rows.push([measure, figure, '', '']);

  const { ack, latency } = results;
  const ackOk = ack.ack.p99 <= goals.ackP99Ms && ack.failed === 0;
  goal('1 slash ack p99, 50/s open loop', ms(ack.ack.p99), `<= ${goals.ackP99Ms} ms`, ackOk);
  info('  ack p50 / max', pair(ack.ack.p50, ack.ack.max));
  for (const [kind, summary] of Object.entries(ack.byKind)) {
    info(`  ack p50 / p99, ${kind} (n=${summary.count})`, pair(summary.p50, summary.p99));
  }
  info('  acked / failed', `${ack.ack.count} / ${ack.failed} in ${round(ack.seconds)} s`);
  info('  reply at response URL p50 / p99', pair(ack.reply.p50, ack.reply.p99));
  info('  replies missing', String(ack.repliesMissing));
  info('  auth.test calls to Slack meanwhile', String(ack.authTests));
  info('  load generator worst lag', ms(ack.maxScheduleLagMs));

  const { teams } = results;
  info(
    `6 Teams ack p50 / p99, token checked (n=${teams.ack.count})`,
    pair(teams.ack.p50, teams.ack.p99),
  );
  info(
    `  reply card p50 / p99, ${teams.conversations} channels`,
    pair(teams.reply.p50, teams.reply.p99),
  );
  info('  failed / replies missing', `${teams.failed} / ${teams.missing}`);
  info('  closest two writes to one conversation', ms(teams.minGapMs));

  const firstScores = results.deploys.map((d) => d.firstScoreMs);
  const deployMax = Math.max(...firstScores);
  goal(
    '2 deploy -> first 200, max of 3',
    ms(deployMax),
    `<= ${goals.deployToScoreMs} ms`,
    deployMax <= goals.deployToScoreMs,
  );
  info('  median of 3', ms(percentile(firstScores, 50)));
  for (const d of results.deploys) {
    info(
      `  ${d.service} ack / keys / 200 / job done`,
      `${ms(d.ackMs)} / ${ms(d.keysMs)} / ${ms(d.firstScoreMs)} / ${ms(d.jobSucceededMs)}`,
    );
  }

  goal(
    '3 gateway added latency, p50',
    ms(latency.addedP50Ms),
    `<= ${goals.gatewayAddedP50Ms} ms`,
    latency.addedP50Ms <= goals.gatewayAddedP50Ms && latency.errors === 0,
  );
  info('  direct p50 / p99', pair(latency.direct.p50, latency.direct.p99));
  info('  gateway p50 / p99', pair(latency.gateway.p50, latency.gateway.p99));
  info('  requests each / errors', `${latency.direct.count} / ${latency.errors}`);

  for (const run of results.throughput) {
    const ratio = run.gateway.requestsPerSecond / run.direct.requestsPerSecond;
    const label = `4 gateway/direct rps, ${run.replicas} replica(s)`;
    const figure = `${round(ratio * 100, 1)} %`;
    const errors = run.direct.errors + run.gateway.errors;
    if (run.replicas === results.judgedReplicas) {
      goal(
        label,
        figure,
        `>= ${goals.throughputRatio * 100} %`,
        ratio >= goals.throughputRatio && errors === 0,
      );
    } else {
      info(label, figure);
    }
    const rps = (t: Throughput): number => round(t.requestsPerSecond, 0);
    info(
      `  direct / gateway rps, ${run.clients} clients`,
      `${rps(run.direct)} / ${rps(run.gateway)}`,
    );
    info('  errors direct / gateway', `${run.direct.errors} / ${run.gateway.errors}`);
    for (const side of [run.direct, run.gateway]) {
      info(`  CPU ms/request ${side.label}: product / runners / bench`, perRequest(side));
    }
    const gatewayCpu = run.gateway.cpu?.product ?? 0;
    if (gatewayCpu > 0) {
      const ceiling = (100 * run.gateway.requestsPerSecond) / gatewayCpu;
      info('  gateway ceiling at one full core', `${round(ceiling, 0)} rps`);
    }
  }

  const { split, switched } = results.rollout;
  goal(
    `5 traffic split, worst share gap (n=${split.requests})`,
    `${round(split.maxDeviation, 2).toFixed(2)} points`,
    `<= ${goals.splitDeviationPoints} point`,
    split.maxDeviation <= goals.splitDeviationPoints && split.errors === 0,
  );
  for (const [version, share] of Object.entries(split.expected)) {
    info(
      `  ${version} observed / effective`,
      `${round(split.observed[version] ?? 0, 2)} / ${share} %`,
    );
  }
  goal(
    '5 failed requests through service update',
    String(switched.failures),
    `= ${goals.failedDuringSwitch}`,
    switched.failures === goals.failedDuringSwitch,
  );
  info('  p99 during the switch / before it', pair(switched.during.p99, switched.before.p99));
  info('  p50 during the switch / before it', pair(switched.during.p50, switched.before.p50));
  info('  requests during / switch took', `${switched.during.count} / ${ms(switched.switchMs)}`);
  return { rows, missed };
}
