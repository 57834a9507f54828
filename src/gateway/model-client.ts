import { Pool } from 'undici';

import { GatewayError } from './gateway-error.js';

/** The answer of a model process, as bytes. */
export interface ModelAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/**
 * Keep-alive connection pools to the model processes, one per port. A pool for a port that
 * is no longer routed is closed by {@link ModelClient.retain}.
 */
export class ModelClient {
  readonly #pools = new Map<number, Pool>();

  /** Sends a body to a replica's /score; maps transport failures to the model's layer. */
  async score(port: number, body: Buffer, timeoutMs: number): Promise<ModelAnswer> {
    const pool = this.#pool(port);
    // undici's own timeouts tick in whole seconds; the scoring timeout bounds the whole answer
    // to the millisecond. A timer that is cleared, not AbortSignal.timeout, so a busy gateway
    // does not hold a live 60 s timer per request.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await pool.request({
        path: '/score',
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        signal: abort.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const answer = Buffer.from(await response.body.arrayBuffer());
      const type = response.headers['content-type'];
      return {
        status: response.statusCode,
        contentType: typeof type === 'string' ? type : 'application/json',
        body: answer,
      };
    } catch {
      if (abort.signal.aborted) {
        throw new GatewayError(
          504,
          'ScoringTimeout',
          `The model did not answer within the scoring timeout of ${timeoutMs} ms.`,
        );
      }
      throw new GatewayError(
        502,
        'ModelProcessDied',
        'The model process closed the connection before answering (it may have crashed).',
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes pools for ports that are not in use any more. */
  retain(ports: ReadonlySet<number>): void {
    for (const [port, pool] of this.#pools) {
      if (!ports.has(port)) {
        this.#pools.delete(port);
        void pool.close();
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
    this.#pools.clear();
  }

  #pool(port: number): Pool {
    let pool = this.#pools.get(port);
    if (pool === undefined) {
      pool = new Pool(`http://127.0.0.1:${port}`, { connections: 32, keepAliveTimeout: 30_000 });
      this.#pools.set(port, pool);
    }
    return pool;
  }
}
