import type { Counter, Histogram } from 'prom-client';

import type { Metrics } from '../platform/metrics.js';

type CounterChild = ReturnType<Counter<'service' | 'version' | 'status'>['labels']>;
type HistogramChild = ReturnType<Histogram<'service' | 'version'>['labels']>;

/**
 * Per-version scoring counters (requests, errors by status, latency), the figures rollout
 * analysis reads. The labelled children are kept, so a request costs a map lookup rather
 * than prom-client's label checks.
 */
export class VersionMetrics {
  readonly #metrics: Metrics;
  readonly #latency = new Map<string, HistogramChild>();
  readonly #requests = new Map<string, CounterChild>();

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  record(service: string, version: string, status: number, seconds: number): void {
    const key = `${service}\u0000${version}`;
    let latency = this.#latency.get(key);
    if (latency === undefined) {
      latency = this.#metrics.scoringSeconds.labels({ service, version });
      this.#latency.set(key, latency);
    }
    latency.observe(seconds);

    const statusKey = `${key}\u0000${status}`;
    let requests = this.#requests.get(statusKey);
    if (requests === undefined) {
      requests = this.#metrics.scoringRequests.labels({ service, version, status: String(status) });
      this.#requests.set(statusKey, requests);
    }
    requests.inc();
  }
}
