import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The product's Prometheus metrics, one registry per process. */
export interface Metrics {
  registry: Registry;
  /** Time from a chat request arriving to its acknowledgement. */
  ackSeconds: Histogram<'platform'>;
  jobsFinished: Counter<'kind' | 'outcome'>;
  /** Per-version scoring counters that rollout analysis reads (DESIGN "data plane"). */
  scoringRequests: Counter<'service' | 'version' | 'status'>;
  scoringSeconds: Histogram<'service' | 'version'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shipmate_' });
  return {
    registry,
    ackSeconds: new Histogram({
      name: 'shipmate_chat_ack_seconds',
      help: 'Time from a chat request arriving to its acknowledgement',
      labelNames: ['platform'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers: [registry],
    }),
    jobsFinished: new Counter({
      name: 'shipmate_jobs_finished_total',
      help: 'Jobs that reached a final state',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    scoringRequests: new Counter({
      name: 'shipmate_scoring_requests_total',
      help: 'Scoring requests by service, version and HTTP status',
      labelNames: ['service', 'version', 'status'],
      registers: [registry],
    }),
    scoringSeconds: new Histogram({
      name: 'shipmate_scoring_seconds',
      help: 'Scoring latency through the gateway, by service and version',
      labelNames: ['service', 'version'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60],
      registers: [registry],
    }),
  };
}
