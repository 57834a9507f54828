import type { CpuMeter, CpuShare } from './cpu-usage.js';
import { score, type ScoringRoute } from './scoring-client.js';

/** One closed-loop run. */
export interface Throughput {
  label: string;
  requestsPerSecond: number;
  ok: number;
  errors: number;
  seconds: number;
  /** CPU used during the measured window, when a meter was given. */
  cpu?: CpuShare;
}

/** Options for {@link measureThroughput}. */
export interface ThroughputOptions {
  route: ScoringRoute;
  clients: number;
  seconds: number;
  /** Unmeasured run before, to open connections and warm both ends. */
  warmUpSeconds: number;
  cpu?: CpuMeter;
}

/**
 * `clients` loops, each sending its next request as soon as the previous answer is read,
 * for a fixed time; counts 200 answers per second. Replicas are taken round robin.
 */
export async function measureThroughput(options: ThroughputOptions): Promise<Throughput> {
  await loop(options, options.warmUpSeconds);
  const start = await options.cpu?.snapshot();
  const run = await loop(options, options.seconds);
  if (options.cpu === undefined || start === undefined) return run;
  return { ...run, cpu: await options.cpu.since(start) };
}

async function loop(options: ThroughputOptions, seconds: number): Promise<Throughput> {
  const { route } = options;
  const started = performance.now();
  const end = started + seconds * 1000;
  let turn = 0;
  let ok = 0;
  let errors = 0;

  const client = async (): Promise<void> => {
    // Bounded by time; a failing route also ends the loop rather than spinning on errors.
    while (performance.now() < end && errors < 1000) {
      const answer = await score(route, turn++).catch(() => ({ status: 0 }));
      if (answer.status === 200) ok += 1;
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));

  const elapsed = (performance.now() - started) / 1000;
  return { label: route.label, requestsPerSecond: ok / elapsed, ok, errors, seconds: elapsed };
}
