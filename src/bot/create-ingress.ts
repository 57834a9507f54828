import express, { type Express } from 'express';

import type { Metrics } from '../platform/metrics.js';

/** Options for {@link createIngress}. */
export interface IngressOptions {
  metrics: Metrics;
  /** Readiness: Redis reachable, workers running. Resolves to the problems, empty when ready. */
  readiness: () => Promise<string[]>;
}

/**
 * The chat ingress and operations endpoints on PORT. Chat adapters mount their routes on it
 * (Bolt at /slack/events). No body parser is installed globally: Slack's signature is over
 * the raw body, so each adapter reads its own.
 */
export function createIngress(options: IngressOptions): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'alive' });
  });
  app.get('/readyz', (_req, res) => {
    options
      .readiness()
      .then((problems) => {
        res.status(problems.length === 0 ? 200 : 503).json({
          status: problems.length === 0 ? 'ready' : 'not ready',
          problems,
        });
      })
      .catch(() =>
        res.status(503).json({ status: 'not ready', problems: ['readiness check failed'] }),
      );
  });
  app.get('/metrics', (_req, res) => {
    options.metrics.registry
      .metrics()
      .then((text) => res.type(options.metrics.registry.contentType).send(text))
      .catch(() => res.status(500).end());
  });
  return app;
}
