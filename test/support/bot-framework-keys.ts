import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import { promisify } from 'node:util';

import { exportJWK, SignJWT } from 'jose';

import { listenOnLoopback } from './listen-on-loopback.js';
import { sendJson } from './send-json.js';

/** The issuer of every token the Bot Connector sends to a bot on the public cloud. */
export const botFrameworkIssuer = 'https://api.botframework.com';

/** What {@link BotFrameworkKeys.sign} puts in a token; times are seconds from now. */
export interface BotFrameworkSignOptions {
  /** The bot's app id: the token's `aud` unless `audience` is given. */
  appId: string;
  /** The `serviceurl` claim; must equal the activity's `serviceUrl`. */
  serviceUrl: string;
  /** `exp` is now plus this; negative for a token that has already expired. Default 300. */
  expiresInS?: number;
  /** `nbf` is now plus this. Default 0. */
  notBeforeS?: number;
  /** Overrides `aud`. */
  audience?: string;
  /** Overrides `iss`. Default {@link botFrameworkIssuer}. */
  issuer?: string;
  /**
   * `published` (default) signs with the key in the JWKS; `wrong` with a key that was never
   * published, under the same `kid`, as a forger who knows the key id would.
   */
  key?: 'published' | 'wrong';
  /** Overrides the `kid` header. Default the published key's id. */
  kid?: string;
}

/** A stand-in for the Bot Connector's token signing keys; see {@link startBotFrameworkKeys}. */
export interface BotFrameworkKeys {
  /** `http://127.0.0.1:<port>/v1/.well-known/openidconfiguration`. */
  metadataUrl: string;
  issuer: string;
  /** The id of the published key. */
  kid: string;
  /** An RS256 JWT shaped like the one the Bot Connector sends with an activity. */
  sign(options: BotFrameworkSignOptions): Promise<string>;
  /** How many times the OpenID metadata or the JWKS was fetched. */
  readonly requests: number;
  close(): Promise<void>;
}

const generateRsa = promisify(generateKeyPair);

/**
 * Starts an HTTP server on 127.0.0.1 serving the Bot Connector's OpenID metadata and JWKS
 * (`/v1/.well-known/openidconfiguration`, `/v1/.well-known/keys`) for a key pair it makes
 * now, and signs channel-to-bot tokens with it, or with a second key it never publishes.
 */
export async function startBotFrameworkKeys(): Promise<BotFrameworkKeys> {
  const [published, wrong] = await Promise.all([
    generateRsa('rsa', { modulusLength: 2048 }),
    generateRsa('rsa', { modulusLength: 2048 }),
  ]);
  const kid = randomBytes(16).toString('base64url');
  const jwk = await exportJWK(published.publicKey);
  let requests = 0;
  let base = '';

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method !== 'GET') {
      sendJson(response, 405, { error: 'method_not_allowed' });
    } else if (path === '/v1/.well-known/openidconfiguration') {
      requests += 1;
      sendJson(response, 200, metadata(base));
    } else if (path === '/v1/.well-known/keys') {
      requests += 1;
      const key = { kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements };
      sendJson(response, 200, { keys: [key] });
    } else {
      sendJson(response, 404, { error: 'not_found' });
    }
  });
  const listener = await listenOnLoopback(server);
  base = `http://127.0.0.1:${listener.port}`;

  const sign = async (options: BotFrameworkSignOptions): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const signingKey: KeyObject = options.key === 'wrong' ? wrong.privateKey : published.privateKey;

    return new SignJWT({ serviceurl: options.serviceUrl })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? botFrameworkIssuer)
      .setAudience(options.audience ?? options.appId)
      .setIssuedAt(now)
      .setNotBefore(now + (options.notBeforeS ?? 0))
      .setExpirationTime(now + (options.expiresInS ?? 300))
      .sign(signingKey);
  };

  return {
    metadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    issuer: botFrameworkIssuer,
    kid,
    sign,
    get requests() {
      return requests;
    },
    close: () => listener.close(),
  };
}

// The channels the real keys are endorsed for; botbuilder checks the activity's channelId here.
const endorsements = ['msteams', 'emulator', 'webchat'];

function metadata(base: string): Record<string, unknown> {
  return {
    issuer: botFrameworkIssuer,
    // The real document names an authorization endpoint nobody calls; ours stays on loopback.
    authorization_endpoint: `${base}/v1/authorize`,
    jwks_uri: `${base}/v1/.well-known/keys`,
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
  };
}
