import http, { type IncomingMessage, type ServerResponse } from 'node:http';

import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { verifyServiceToken } from '../platform/service-token.js';
import type { AuthMode } from '../registry/service-record.js';
import { GatewayError, sendError } from './gateway-error.js';
import { bearerOf, matchesKey, type KeyDigests } from './key-check.js';
import type { ModelClient } from './model-client.js';
import { VersionMetrics } from './version-metrics.js';
import { pickVersion, type RoutableVersion } from './version-picker.js';

/** Where the gateway learns which services exist and where their replicas listen. */
export interface RouteSource {
  route(service: string): { auth: AuthMode; versions: RoutableVersion[] } | undefined;
}

/** Options for {@link createGatewayServer}. */
export interface GatewayServerOptions {
  routes: RouteSource;
  /** Digests of the service's keys; the caller caches them. */
  keys: (service: string) => Promise<KeyDigests | undefined>;
  /** The key that verifies the service's tokens; the caller caches it. */
  signingKeys: (service: string) => Promise<Uint8Array | undefined>;
  models: ModelClient;
  /** The registry's state of a service the gateway has no route for, if it exists. */
  registeredState: (service: string) => Promise<string | undefined>;
  logger: Logger;
  metrics: Metrics;
  maxBodyBytes: number;
  /** Uniform in [0, 1): draws the version of each unpinned request. Seeded in tests. */
  random?: () => number;
}

const scorePath = /^\/api\/v1\/service\/([a-z][a-z0-9-]{1,30}[a-z0-9])\/score\/?$/;
const deploymentHeader = 'azureml-model-deployment';

/**
 * The scoring front end in Azure ML's AKS shape: checks the key or token, picks a version,
 * forwards the body to a replica and answers with what the model returned. Every failure is a
 * JSON error body naming the layer that failed.
 */
export function createGatewayServer(options: GatewayServerOptions): http.Server {
  let turn = 0;
  const random = options.random ?? Math.random;
  const versionMetrics = new VersionMetrics(options.metrics);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = req.url ?? '/';
    const query = target.indexOf('?');
    const pathname = query === -1 ? target : target.slice(0, query);
    const match = scorePath.exec(pathname);
    const named = /^\/api\/v1\/service\/([^/]+)\/score\/?$/.exec(pathname);
    if (match === null && named !== null) {
      // Not a valid service name, so certainly not a service.
      throw new GatewayError(404, 'ServiceNotFound', 'There is no service by that name.');
    }
    if (match === null) {
      throw new GatewayError(404, 'NotFound', 'Scoring is at POST /api/v1/service/<name>/score.');
    }
    const service = match[1] ?? '';
    if (req.method !== 'POST') {
      throw new GatewayError(405, 'MethodNotAllowed', 'Score with POST.');
    }

    const route = options.routes.route(service);
    if (route === undefined) {
      const state = await options.registeredState(service);
      if (state !== undefined) {
        // Registered as ready but not routed here yet: its replicas are still coming up (a
        // gateway that just started, say).
        const why = state === 'ready' || state === 'updating' ? 'starting' : state;
        throw new GatewayError(503, 'NoVersionReady', `Service ${service} is ${why}: not serving.`);
      }
      throw new GatewayError(404, 'ServiceNotFound', `There is no service named ${service}.`);
    }
    await authorize(service, route.auth, req.headers.authorization, options);

    const body = await readBody(req, options.maxBodyBytes);
    // Read again after the body: the table may have changed while it arrived, and a request
    // must not go to a replica that was drained meanwhile. Picking and sending are one
    // synchronous step, so a drain never misses a request on its way.
    const table = options.routes.route(service);
    if (table === undefined) {
      throw new GatewayError(503, 'NoVersionReady', `Service ${service} stopped serving.`);
    }
    const pinned = header(req, deploymentHeader);
    const { version, port } = pickVersion(service, table.versions, pinned, random(), turn++);
    const started = performance.now();
    res.setHeader(deploymentHeader, version.spec.name);

    let status = 500;
    try {
      const answer = await options.models.score(port, body, version.spec.scoringTimeoutMs);
      status = answer.status;
      res.writeHead(answer.status, {
        'content-type': answer.contentType,
        'content-length': answer.body.length,
      });
      res.end(answer.body);
    } catch (error) {
      status = error instanceof GatewayError ? error.status : 500;
      throw error;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      versionMetrics.record(service, version.spec.name, status, seconds);
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof GatewayError) {
        const extra: Record<string, string> =
          error.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
        sendError(res, error, extra);
        if (error.status === 413) req.resume();
        return;
      }
      options.logger.error({ err: error }, 'scoring request failed in the gateway');
      sendError(res, new GatewayError(500, 'GatewayError', 'The gateway failed; see its log.'));
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function authorize(
  service: string,
  auth: AuthMode,
  header: string | undefined,
  options: Pick<GatewayServerOptions, 'keys' | 'signingKeys'>,
): Promise<void> {
  if (auth === 'none') return;

  const presented = bearerOf(header);
  const what = auth === 'key' ? 'key' : 'token';
  if (presented === undefined) {
    throw new GatewayError(
      401,
      'Unauthorized',
      `Service ${service} needs Authorization: Bearer <${what}>.`,
    );
  }
  if (auth === 'key') {
    const known = await options.keys(service);
    if (known !== undefined && matchesKey(presented, known)) return;
    throw new GatewayError(401, 'Unauthorized', `That key does not open service ${service}.`);
  }

  // Key and token auth are never both on: under token auth a key opens nothing.
  const signingKey = await options.signingKeys(service);
  if (signingKey !== undefined && (await verifyServiceToken(presented, service, signingKey))) {
    return;
  }
  throw new GatewayError(
    401,
    'Unauthorized',
    `That token does not open service ${service}: it is expired, for another service, ` +
      'or not issued by Shipmate. Ask for a new one with `token <service>`.',
  );
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(limit));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, 'BodyTooLarge', `Scoring bodies are limited to ${limit} bytes.`);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
