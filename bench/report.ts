import os from 'node:os';

import type { CpuShare } from './cpu-usage.js';
import { goals, tableRows, type BenchResults } from './report-rows.js';
import { round } from './stats.js';

export type { BenchResults, ThroughputPair } from './report-rows.js';

/** Prints the table, CPU use per phase, the product's warnings and the JSON line. */
export function printReport(results: BenchResults): void {
  const { rows, missed } = tableRows(results);
  const out = [
    '',
    `Shipmate bench ${new Date().toISOString()} — ${os.cpus().length} CPU(s), ` +
      `Node ${process.version}, all on 127.0.0.1`,
    'The load generator and the Slack stub (this process), Redis, the product and its model',
    'processes all share these CPUs, so every figure includes that contention.',
    '',
    ...table(['measure', 'figure', 'goal', 'result'], rows),
    '',
    'CPU per phase, % of one core (machine total; ours; others on the machine):',
    ...table(
      ['phase', 'machine', 'product', 'runners', 'bench', 'redis', 'others'],
      cpuPhases(results).map(([name, c]) => [
        name,
        ...[c.machine, c.product, c.runners, c.bench, c.redis, c.others].map(
          (v) => `${round(v, 0)}`,
        ),
      ]),
    ),
    '',
    ...warnings(results.productWarnings),
    '',
    missed === 0 ? 'All goals met.' : `MISSED ${missed} goal(s): see the table.`,
    `BENCH_RESULT ${JSON.stringify(jsonOf(results, missed))}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The measured phases, and each throughput run's measured window. */
function cpuPhases(results: BenchResults): Array<[string, CpuShare]> {
  const runs = results.throughput.flatMap((pair) =>
    [pair.direct, pair.gateway].flatMap((run): Array<[string, CpuShare]> =>
      run.cpu === undefined ? [] : [[`4 ${run.label} x${pair.replicas}`, run.cpu]],
    ),
  );
  return [...Object.entries(results.cpu), ...runs];
}

function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]?.length ?? 0)));
  const line = (row: string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The product's warn-and-above lines, counted by message and code. */
function warnings(found: BenchResults['productWarnings']): string[] {
  const counts = new Map<string, number>();
  for (const line of found.logLines) {
    const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 80);
    const code = /"code":"([^"]*)"/.exec(line)?.[1];
    const key = code === undefined ? msg : `${msg} (${code})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [
    `Product log lines at warn or above: ${found.logLines.length}; ` +
      `failed Slack API calls: ${found.failedSlackCalls}`,
    ...[...counts].map(([key, n]) => `  ${n} × ${key}`),
  ];
}

function jsonOf(results: BenchResults, missed: number): unknown {
  const { productWarnings, ...figures } = results;
  const summary = { ...figures, productWarnLines: productWarnings.logLines.length };
  const text = JSON.stringify({ cpus: os.cpus().length, missed, goals, ...summary }, (_k, v) =>
    typeof v === 'number' ? round(v, 3) : (v as unknown),
  );
  return JSON.parse(text) as unknown;
}
