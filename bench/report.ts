import os from 'node:os';

import type { AckLatency } from './ack-latency.js';
import type { DeployTiming } from './deploy-to-score.js';
import type { ScoringLatency } from './scoring-latency.js';
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
  ack: AckLatency;
  latency: ScoringLatency;
  throughput: ThroughputPair[];
  /** The pair the throughput goal is judged on. */
  judgedReplicas: number;
}

/** The goals of the brief. */
export const goals = {
  ackP99Ms: 50,
  deployToScoreMs: 5_000,
  gatewayAddedP50Ms: 1,
  throughputRatio: 0.7,
} as const;

type Row = [measure: string, figure: string, goal: string, verdict: string];

const ms = (value: number): string => `${round(value, 2).toFixed(2)} ms`;
const verdict = (pass: boolean): string => (pass ? 'PASS' : 'MISSED');

/** The table rows, goal rows with PASS or MISSED. */
export function tableRows(results: BenchResults): { rows: Row[]; missed: number } {
  const { ack, latency } = results;
  const firstScores = results.deploys.map((d) => d.firstScoreMs);
  const deployMedian = percentile(firstScores, 50);
  const deployMax = Math.max(...firstScores);
  const rows: Row[] = [];
  let missed = 0;
  const goal = (measure: string, figure: string, target: string, pass: boolean): void => {
    if (!pass) missed += 1;
    rows.push([measure, figure, target, verdict(pass)]);
  };
  const info = (measure: string, figure: string): void => void rows.push([measure, figure, '', '']);

  goal(
    '1 slash ack p99 (50/s open loop)',
    ms(ack.ack.p99),
    `<= ${goals.ackP99Ms} ms`,
    ack.ack.p99 <= goals.ackP99Ms && ack.failed === 0,
  );
  info('  ack p50 / p90 / max', `${ms(ack.ack.p50)} / ${ms(ack.ack.p90)} / ${ms(ack.ack.max)}`);
  for (const [kind, summary] of Object.entries(ack.byKind)) {
    info(`  ack p50/p99 ${kind} (n=${summary.count})`, `${ms(summary.p50)} / ${ms(summary.p99)}`);
  }
  info('  commands acked / failed', `${ack.ack.count} / ${ack.failed} in ${round(ack.seconds)} s`);
  info('  response-URL reply p50 / p99', `${ms(ack.reply.p50)} / ${ms(ack.reply.p99)}`);
  info('  replies missing', String(ack.repliesMissing));
  info('  load generator worst lag', ms(ack.maxScheduleLagMs));

  goal(
    '2 deploy -> first 200, max of 3',
    ms(deployMax),
    `<= ${goals.deployToScoreMs} ms`,
    deployMax <= goals.deployToScoreMs,
  );
  info('  deploy -> first 200, median', ms(deployMedian));
  for (const d of results.deploys) {
    info(
      `  ${d.service}: ack / keys / 200 / job done`,
      `${ms(d.ackMs)} / ${ms(d.keysMs)} / ${ms(d.firstScoreMs)} / ${ms(d.jobSucceededMs)}`,
    );
  }

  goal(
    '3 gateway added latency, p50',
    ms(latency.addedP50Ms),
    `<= ${goals.gatewayAddedP50Ms} ms`,
    latency.addedP50Ms <= goals.gatewayAddedP50Ms && latency.errors === 0,
  );
  info('  direct p50 / p99', `${ms(latency.direct.p50)} / ${ms(latency.direct.p99)}`);
  info('  gateway p50 / p99', `${ms(latency.gateway.p50)} / ${ms(latency.gateway.p99)}`);
  info('  requests each / errors', `${latency.direct.count} / ${latency.errors}`);

  for (const pair of results.throughput) {
    const ratio = pair.gateway.requestsPerSecond / pair.direct.requestsPerSecond;
    const label = `4 gateway/direct rps, ${pair.replicas} replica(s), ${pair.clients} clients`;
    const figure = `${round(ratio * 100, 1)} %`;
    if (pair.replicas === results.judgedReplicas) {
      const errors = pair.direct.errors + pair.gateway.errors;
      goal(
        label,
        figure,
        `>= ${goals.throughputRatio * 100} %`,
        ratio >= goals.throughputRatio && errors === 0,
      );
    } else {
      info(label, figure);
    }
    info(
      '  direct / gateway rps',
      `${round(pair.direct.requestsPerSecond, 0)} / ${round(pair.gateway.requestsPerSecond, 0)}`,
    );
    info('  errors direct / gateway', `${pair.direct.errors} / ${pair.gateway.errors}`);
  }
  return { rows, missed };
}

/** Prints the table, the caveats and the JSON line. */
export function printReport(results: BenchResults): void {
  const { rows, missed } = tableRows(results);
  const header: Row = ['measure', 'figure', 'goal', 'result'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]?.length ?? 0)));
  const line = (row: Row): string => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  const out = [
    '',
    `Shipmate bench — ${os.cpus().length} CPU(s), Node ${process.version}, all on 127.0.0.1`,
    'Note: the load generator, the Slack stub, Redis, the product and the model processes all',
    'share these CPUs; the figures include that contention.',
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    missed === 0 ? 'All goals met.' : `MISSED ${missed} goal(s).`,
    `BENCH_RESULT ${JSON.stringify(jsonOf(results, missed))}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function jsonOf(results: BenchResults, missed: number): unknown {
  return JSON.parse(
    JSON.stringify(
      { cpus: os.cpus().length, node: process.version, missed, goals, ...results },
      (_key, value: unknown) => (typeof value === 'number' ? round(value, 3) : value),
    ),
  );
}
