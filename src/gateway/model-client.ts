import { Pool, type Dispatcher } from 'undici';

type DispatchController = Dispatcher.DispatchController;

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
  /** Requests sent to each port and not yet answered, for draining a replica. */
  readonly #inFlight = new Map<number, number>();

  /**
   * Sends a body to a replica's /score; maps transport failures to the model's layer. Uses
   * undici's dispatch with a small handler rather than `request`: no stream per answer, which
   * is most of the proxy's cost per request.
   */
  score(port: number, body: Buffer, timeoutMs: number): Promise<ModelAnswer> {
    const pool = this.#pool(port);
    this.#inFlight.set(port, (this.#inFlight.get(port) ?? 0) + 1);
    const answered = new Promise<ModelAnswer>((resolve, reject) => {
      let controller: DispatchController | undefined;
      let timedOut = false;
      let status = 0;
      let contentType = 'application/json';
      const chunks: Buffer[] = [];
      // undici's own timeouts tick in whole seconds; the scoring timeout bounds the whole
      // answer to the millisecond.
      const timer = setTimeout(() => {
        timedOut = true;
        controller?.abort(new Error('scoring timeout'));
      }, timeoutMs);

      const fail = (): void => {
        clearTimeout(timer);
        reject(
          timedOut
            ? new GatewayError(
                504,
                'ScoringTimeout',
                `The model did not answer within the scoring timeout of ${timeoutMs} ms.`,
              )
            : new GatewayError(
                502,
                'ModelProcessDied',
                'The model process closed the connection before answering (it may have crashed).',
              ),
        );
      };

      pool.dispatch(
        {
          path: '/score',
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        {
          onRequestStart(started) {
            controller = started;
            if (timedOut) started.abort(new Error('scoring timeout'));
          },
          onResponseStart(_controller, statusCode, headers) {
            status = statusCode;
            const type = headers['content-type'];
            if (typeof type === 'string') contentType = type;
          },
          onResponseData(_controller, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            clearTimeout(timer);
            resolve({ status, contentType, body: Buffer.concat(chunks) });
          },
          onResponseError: fail,
        },
      );
    });
    const settled = (): void => {
      const left = (this.#inFlight.get(port) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(port, left);
      else this.#inFlight.delete(port);
    };
    answered.then(settled, settled);
    return answered;
  }

  /**
   * Resolves once no request is on its way to any of the ports, or after `timeoutMs`. Called
   * after the ports left the routing table, so no new request can join.
   */
  async drained(ports: readonly number[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // One turn first: a request that picked the old table in this very tick is counted by now.
    await new Promise((resolve) => setImmediate(resolve));
    while (ports.some((port) => this.#inFlight.has(port)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
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
