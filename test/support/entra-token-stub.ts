import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';

import { listenOnLoopback } from './listen-on-loopback.js';
import { createLoopbackCertificates } from './loopback-certificates.js';
import { sendJson } from './send-json.js';

/** Options for {@link startEntraTokenStub}: the one app registration the stand-in knows. */
export interface EntraTokenStubOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** One request the stand-in received, whatever its outcome. */
export interface EntraRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** A local stand-in for Microsoft Entra's login; see {@link startEntraTokenStub}. */
export interface EntraTokenStub {
  /** `https://127.0.0.1:<port>/<tenant>`: MSAL's authority, `ToChannelFromBotLoginUrl`. */
  loginUrl: string;
  /** `https://127.0.0.1:<port>`, for an `authorityHost` or MSAL's `knownAuthorities`. */
  authorityHost: string;
  port: number;
  /** The CA that signed the server certificate, as a file for `NODE_EXTRA_CA_CERTS`. */
  caFile: string;
  /** The CA as PEM, for a client given `ca` directly. */
  ca: string;
  /** Every access token handed out, in order. */
  issued: string[];
  requests: EntraRequest[];
  close(): Promise<void>;
}

/**
 * Starts an HTTPS server on 127.0.0.1, with a certificate from a CA made for the purpose, that
 * answers what MSAL Node asks of Entra for the client-credentials grant: the tenant's OpenID
 * configuration and `POST /<tenant>/oauth2/v2.0/token`. A token is issued only for the
 * configured client id and secret; each one is new and random.
 */
export async function startEntraTokenStub(options: EntraTokenStubOptions): Promise<EntraTokenStub> {
  const certificates = await createLoopbackCertificates();
  const issued: string[] = [];
  const requests: EntraRequest[] = [];
  const tenant = `/${options.tenantId}`;
  let base = '';

  const route = async (request: IncomingMessage, path: string): Promise<[number, unknown]> => {
    if (!path.startsWith(`${tenant}/`)) return [400, entraError('invalid_tenant', 90002)];
    const rest = path.slice(tenant.length);

    if (request.method === 'GET' && rest === '/v2.0/.well-known/openid-configuration') {
      return [200, openIdConfiguration(`${base}${tenant}`)];
    }
    if (request.method === 'GET' && rest === '/discovery/v2.0/keys') return [200, { keys: [] }];
    if (request.method === 'POST' && rest === '/oauth2/v2.0/token') {
      return tokenAnswer(new URLSearchParams(await readText(request)), options, issued);
    }
    return [404, entraError('not_found', 0)];
  };

  const server = createServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const entry = { method: req.method ?? '', path, status: 0, at: Date.now() };
    requests.push(entry);
    route(req, path)
      .then(([status, body]) => answer(res, entry, status, body))
      .catch((error: unknown) => answer(res, entry, 400, entraError(String(error), 0)));
  });
  const listener = await listenOnLoopback(server);
  base = `https://127.0.0.1:${listener.port}`;

  return {
    loginUrl: `${base}${tenant}`,
    authorityHost: base,
    port: listener.port,
    caFile: certificates.caFile,
    ca: certificates.ca,
    issued,
    requests,
    async close() {
      await listener.close();
      await certificates.remove();
    },
  };
}

function answer(response: ServerResponse, entry: EntraRequest, status: number, body: unknown) {
  entry.status = status;
  // Entra marks its answers uncacheable; MSAL does not depend on it, but a proxy would.
  sendJson(response, status, body, { 'cache-control': 'no-store, no-cache' });
}

function tokenAnswer(
  form: URLSearchParams,
  options: EntraTokenStubOptions,
  issued: string[],
): [number, unknown] {
  if (form.get('grant_type') !== 'client_credentials') {
    return [400, entraError('unsupported_grant_type', 70003)];
  }
  if (
    form.get('client_id') !== options.clientId ||
    form.get('client_secret') !== options.clientSecret
  ) {
    return [401, entraError('invalid_client', 7000215)];
  }
  if (!(form.get('scope') ?? '').endsWith('/.default')) {
    return [400, entraError('invalid_scope', 1002012)];
  }

  const accessToken = `entra-stub-${randomBytes(24).toString('base64url')}`;
  issued.push(accessToken);
  return [
    200,
    { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: accessToken },
  ];
}

/** Entra's error body: an OAuth error code and an `AADSTS` code in the description. */
function entraError(error: string, code: number): Record<string, unknown> {
  return {
    error,
    error_description: `AADSTS${code}: refused by the Shipmate Entra stand-in.`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  };
}

/** What MSAL requires (issuer; authorization, token and JWKS endpoints) and a few more. */
function openIdConfiguration(authority: string): Record<string, unknown> {
  return {
    issuer: `${authority}/v2.0`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['pairwise'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
