import { score, type ScoringRoute } from './scoring-client.js';
import { summarize, type Summary } from './stats.js';
import { since } from './timing.js';

/** Sequential latency of the same request directly and through the gateway. */
export interface ScoringLatency {
  direct: Summary;
  gateway: Summary;
  /** p50 through the gateway minus p50 direct. */
  addedP50Ms: number;
  errors: number;
}

/** Options for {@link measureScoringLatency}. */
export interface ScoringLatencyOptions {
  direct: ScoringRoute;
  gateway: ScoringRoute;
  warmUp: number;
  requests: number;
  /** Stop early after this long, whatever the count. */
  timeoutMs?: number;
}

/**
 * One request at a time, alternating direct and gateway so that both see the same machine
 * state (CPU frequency, other load) instead of one run after the other.
 */
export async function measureScoringLatency(
  options: ScoringLatencyOptions,
): Promise<ScoringLatency> {
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  const expected = (await score(options.direct)).body;
  const direct: number[] = [];
  const gateway: number[] = [];
  let errors = 0;

  const timed = async (route: ScoringRoute, into: number[] | undefined): Promise<void> => {
    const started = performance.now();
    const answer = await score(route).catch(() => ({ status: 0, body: '' }));
    const ms = since(started);
    if (answer.status !== 200 || answer.body !== expected) errors += 1;
    else into?.push(ms);
  };

  for (let i = 0; i < options.warmUp + options.requests; i += 1) {
    if (performance.now() > deadline) break;
    const measuring = i >= options.warmUp;
    await timed(options.direct, measuring ? direct : undefined);
    await timed(options.gateway, measuring ? gateway : undefined);
  }

  const directSummary = summarize(direct);
  const gatewaySummary = summarize(gateway);
  return {
    direct: directSummary,
    gateway: gatewaySummary,
    addedP50Ms: gatewaySummary.p50 - directSummary.p50,
    errors,
  };
}
