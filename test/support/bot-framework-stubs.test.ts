import { execFile } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { ConfigurationBotFrameworkAuthentication, TurnContext, teamsGetTeamInfo } from 'botbuilder';
import type { Activity } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { startBotConnectorStub, type BotConnectorStub } from './bot-connector-stub.js';
import { startBotFrameworkKeys, type BotFrameworkKeys } from './bot-framework-keys.js';
import { startCloudAdapterBot, type CloudAdapterBot } from './cloud-adapter-bot.js';
import { startEntraTokenStub, type EntraTokenStub } from './entra-token-stub.js';
import type { ProbeInput, ProbeOutput } from './msal-token-probe.js';
import {
  botAccount,
  conversationUpdateActivity,
  invokeActivity,
  messageActivity,
  postActivity,
} from './teams-activities.js';
import { channelThread, personalChat, teamsUser } from './teams-conversations.js';

const appId = '00000000-0000-4000-8000-00000000b07a';
const appPassword = 'stub-secret-value';
const tenantId = '00000000-0000-4000-8000-0000000007e1';

let keys: BotFrameworkKeys;
let entra: EntraTokenStub;
let connector: BotConnectorStub;

beforeAll(async () => {
  keys = await startBotFrameworkKeys();
  entra = await startEntraTokenStub({ tenantId, clientId: appId, clientSecret: appPassword });
  connector = await startBotConnectorStub({ acceptedTokens: () => entra.issued });
});

afterAll(async () => {
  await connector?.close();
  await entra?.close();
  await keys?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function botAuthentication(): ConfigurationBotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: appPassword,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: tenantId,
    ToBotFromChannelOpenIdMetadataUrl: keys.metadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: keys.metadataUrl,
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    ToChannelFromBotLoginUrl: entra.loginUrl,
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    OAuthUrl: `${entra.authorityHost}/unused-oauth`,
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: false,
  });
}

function dmFromAlice(text = 'deploy churn v3') {
  const conversation = personalChat(tenantId);
  const user = teamsUser('Alice');
  return messageActivity({ text, user, conversation, serviceUrl: connector.serviceUrl, appId });
}

/** Runs authenticateRequest, silencing what botbuilder prints to console.error on a refusal. */
async function authenticate(activity: Record<string, unknown>, token: string) {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  return botAuthentication().authenticateRequest(
    activity as unknown as Activity,
    `Bearer ${token}`,
  );
}

describe('startBotFrameworkKeys', () => {
  it('serves OpenID metadata whose jwks_uri lists one endorsed RS256 key', async () => {
    const metadata = (await (await fetch(keys.metadataUrl)).json()) as Record<string, string>;
    const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as { keys: unknown[] };

    expect(metadata).toMatchObject({
      issuer: 'https://api.botframework.com',
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(metadata.jwks_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/\.well-known\/keys$/);
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'RSA', use: 'sig', kid: keys.kid, e: 'AQAB' }),
    ]);
    expect(jwks.keys[0]).toMatchObject({ endorsements: expect.arrayContaining(['msteams']) });
  });

  it('signs a token botbuilder accepts for a Teams activity, fetching keys once', async () => {
    const activity = dmFromAlice();
    const token = await keys.sign({ appId, serviceUrl: connector.serviceUrl });
    const before = keys.requests;

    const first = await authenticate(activity, token);
    await authenticate(activity, await keys.sign({ appId, serviceUrl: connector.serviceUrl }));

    expect(first.claimsIdentity.getClaimValue('aud')).toBe(appId);
    expect(first.claimsIdentity.getClaimValue('serviceurl')).toBe(connector.serviceUrl);
    expect(first.callerId).toBe('urn:botframework:azure');
    // Metadata and JWKS on first use; botbuilder caches them per URL for a day.
    expect(keys.requests - before).toBeLessThanOrEqual(2);
  });

  it('is refused when signed by an unpublished key, as a plain JsonWebTokenError', async () => {
    const token = await keys.sign({ appId, serviceUrl: connector.serviceUrl, key: 'wrong' });

    const error = (await authenticate(dmFromAlice(), token).catch((e: unknown) => e)) as Error;

    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ name: 'JsonWebTokenError', message: 'invalid signature' });
  });

  it('is refused as an AuthenticationError once expired past 5 minutes', async () => {
    const late = await keys.sign({ appId, serviceUrl: connector.serviceUrl, expiresInS: -600 });
    const lenient = await keys.sign({ appId, serviceUrl: connector.serviceUrl, expiresInS: -60 });

    const error = await authenticate(dmFromAlice(), late).catch((e: unknown) => e);
    const accepted = await authenticate(dmFromAlice(), lenient);

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ message: 'The token has expired', statusCode: 401 });
    expect(accepted.claimsIdentity.isAuthenticated).toBe(true);
  });

  it('is refused when not yet valid, again as a plain JsonWebTokenError subclass', async () => {
    const token = await keys.sign({ appId, serviceUrl: connector.serviceUrl, notBeforeS: 900 });

    const error = await authenticate(dmFromAlice(), token).catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ name: 'NotBeforeError', message: 'jwt not active' });
  });

  it.each([
    [
      'another audience',
      { audience: 'someone-else' },
      /^Unauthorized\. Invalid AppId .*someone-else/,
    ],
    [
      'another issuer',
      { issuer: 'https://sts.example.invalid/' },
      /^Unauthorized\. No valid identity/,
    ],
    ['an unknown key id', { kid: 'no-such-kid' }, /^Signing Key could not be retrieved/],
    [
      'another serviceUrl',
      { serviceUrl: 'http://127.0.0.1:9/x/' },
      /ServiceUrl claim do not match/,
    ],
  ])('is refused with a 401 AuthenticationError for %s', async (_what, override, message) => {
    const token = await keys.sign({ appId, serviceUrl: connector.serviceUrl, ...override });

    const error = await authenticate(dmFromAlice(), token).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ statusCode: 401, message: expect.stringMatching(message) });
  });

  it('is refused for a channel the key is not endorsed for', async () => {
    const token = await keys.sign({ appId, serviceUrl: connector.serviceUrl });

    const error = await authenticate({ ...dmFromAlice(), channelId: 'slack' }, token).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ message: expect.stringMatching(/endorsement/) });
  });
});

/** GET or POST over https, trusting only the stand-in's CA. */
async function httpsCall(url: string, body?: string) {
  return new Promise<{ status: number; json: Record<string, unknown>; altNames: string }>(
    (resolve, reject) => {
      const headers =
        body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' };
      const request = httpsRequest(url, { ca: entra.ca, method: body ? 'POST' : 'GET', headers });
      request.on('error', reject).on('response', (response) => {
        const altNames = (response.socket as TLSSocket).getPeerCertificate().subjectaltname ?? '';
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          const json = JSON.parse(text) as Record<string, unknown>;
          resolve({ status: response.statusCode ?? 0, json, altNames });
        });
      });
      request.end(body);
    },
  );
}

const probeScript = fileURLToPath(new URL('./msal-token-probe.ts', import.meta.url));
const loopbackGuard = new URL('./loopback-only.ts', import.meta.url).href;

/** Runs the MSAL probe in a child trusting the stand-in's CA, itself guarded to loopback. */
async function runProbe(overrides: Partial<ProbeInput> = {}): Promise<ProbeOutput> {
  const input: ProbeInput = {
    loginUrl: entra.loginUrl,
    authorityHost: entra.authorityHost,
    clientId: appId,
    clientSecret: appPassword,
    tenantId,
    ...overrides,
  };
  const args = ['--import', 'tsx', '--import', loopbackGuard, probeScript, JSON.stringify(input)];
  const env = { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: entra.caFile };
  const { stdout } = await promisify(execFile)(process.execPath, args, { env }).catch(
    (error: unknown) => error as { stdout: string },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProbeOutput;
}

describe('startEntraTokenStub', () => {
  it('serves the tenant OpenID configuration over https for 127.0.0.1 and localhost', async () => {
    const answer = await httpsCall(`${entra.loginUrl}/v2.0/.well-known/openid-configuration`);

    expect(answer.status).toBe(200);
    expect(answer.altNames).toContain('IP Address:127.0.0.1');
    expect(answer.altNames).toContain('DNS:localhost');
    expect(answer.json).toMatchObject({
      issuer: `${entra.loginUrl}/v2.0`,
      token_endpoint: `${entra.loginUrl}/oauth2/v2.0/token`,
      authorization_endpoint: `${entra.loginUrl}/oauth2/v2.0/authorize`,
      jwks_uri: `${entra.loginUrl}/discovery/v2.0/keys`,
    });
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const form = new URLSearchParams({
      client_id: appId,
      client_secret: 'wrong',
      scope: 'https://api.botframework.com/.default',
      grant_type: 'client_credentials',
    });

    const answer = await httpsCall(`${entra.loginUrl}/oauth2/v2.0/token`, form.toString());

    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: 'invalid_client' });
  });

  it('gives MSAL Node a token when it trusts the CA through NODE_EXTRA_CA_CERTS', async () => {
    const output = await runProbe();

    expect(output.error).toBeUndefined();
    expect(output.tokenType).toBe('Bearer');
    expect(entra.issued).toContain(output.accessToken);
    const paths = entra.requests.map((request) => request.path);
    expect(paths).toContain(`/${tenantId}/v2.0/.well-known/openid-configuration`);
    expect(paths).toContain(`/${tenantId}/oauth2/v2.0/token`);
    expect(paths.some((path) => path.includes('discovery/instance'))).toBe(false);
  });

  it('makes MSAL Node fail with invalid_client for a wrong secret', async () => {
    const output = await runProbe({ clientSecret: 'wrong' });

    expect(output.accessToken).toBeUndefined();
    expect(output.error).toMatchObject({ errorCode: 'invalid_client' });
  });

  it("lets botbuilder's connector factory send with the MSAL token", async () => {
    const conversationId = personalChat(tenantId).id;

    const output = await runProbe({ serviceUrl: connector.serviceUrl, conversationId });

    expect(output.error).toBeUndefined();
    const [activity] = connector.activities(conversationId);
    expect(activity).toMatchObject({ id: output.activityId, body: { text: 'sent by the probe' } });
    const request = connector.requests.find((r) => r.path.includes(conversationId));
    // botbuilder asks MSAL with skipCache, so its token is a second one, not the probe's first.
    expect(request).toMatchObject({ method: 'POST', status: 201, token: entra.issued.at(-1) });
    expect(entra.issued).toContain(output.accessToken);
  });
});

describe('teams activities', () => {
  it('builds a channel message that botbuilder reads as a mention in a team', () => {
    const conversation = channelThread({ tenantId, teamName: 'Platform' });
    const activity = messageActivity({
      text: 'deploy churn v3',
      user: teamsUser('Alice'),
      conversation,
      serviceUrl: connector.serviceUrl,
      appId,
    }) as unknown as Activity;

    expect(activity.text).toBe('<at>Shipmate</at> deploy churn v3');
    expect(TurnContext.getMentions(activity)).toEqual([
      expect.objectContaining({ mentioned: botAccount(appId) }),
    ]);
    expect(TurnContext.removeRecipientMention(activity)?.trim()).toBe('deploy churn v3');
    expect(teamsGetTeamInfo(activity)).toMatchObject({
      id: conversation.team?.id,
      name: 'Platform',
    });
    expect(activity.conversation).toMatchObject({ isGroup: true, conversationType: 'channel' });
  });

  it('leaves a personal chat message unmentioned and not a group', () => {
    const activity = dmFromAlice('status');

    expect(activity).toMatchObject({ text: 'status', textFormat: 'plain', channelId: 'msteams' });
    expect(activity.conversation).not.toHaveProperty('isGroup');
    expect(activity.recipient).toEqual(botAccount(appId));
  });
});

describe('the stand-ins with a CloudAdapter bot', () => {
  let bot: CloudAdapterBot;
  const sign = () => keys.sign({ appId, serviceUrl: connector.serviceUrl });
  const context = () => ({ serviceUrl: connector.serviceUrl, appId, user: teamsUser('Bob') });

  beforeAll(async () => {
    bot = await startCloudAdapterBot({ keys, entra, appId, appPassword, tenantId });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('replies to a channel message through the connector with a login token', async () => {
    const conversation = channelThread({ tenantId });
    const activity = messageActivity({ ...context(), conversation, text: 'status' });

    const answer = await postActivity(bot.ingressUrl, activity, await sign());
    const reply = await connector.waitForActivity((a) => a.conversationId === conversation.id);

    expect(answer.status).toBe(200);
    expect(reply).toMatchObject({ replyToId: activity.id, body: { type: 'message' } });
    expect(reply.body.text).toBe('echo: <at>Shipmate</at> status');
    const request = connector.requests.find((r) => r.path.includes(conversation.id));
    expect(entra.issued).toContain(request?.token ?? 'no token');
  });

  it('answers an Action.Execute invoke with the card in the HTTP response', async () => {
    const activity = invokeActivity({
      ...context(),
      conversation: personalChat(tenantId),
      verb: 'approve',
      data: { requestId: 'r-1' },
      replyToId: '1700000000001',
    });

    const answer = await postActivity(bot.ingressUrl, activity, await sign());

    expect(answer).toMatchObject({
      status: 200,
      body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' },
    });
    expect(JSON.stringify(answer.body)).toContain('done: approve');
  });

  it('accepts the conversationUpdate of an installation in a team', async () => {
    const activity = conversationUpdateActivity({
      ...context(),
      conversation: channelThread({ tenantId }),
      membersAdded: [botAccount(appId)],
    });

    const answer = await postActivity(bot.ingressUrl, activity, await sign());

    expect(answer.status).toBe(200);
    expect(activity.channelData).toMatchObject({ eventType: 'teamMemberAdded' });
  });

  it('answers 500 "invalid signature" for a forged token and 401 for an expired one', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const activity = messageActivity({
      ...context(),
      conversation: personalChat(tenantId),
      text: 'x',
    });
    const forged = await keys.sign({ appId, serviceUrl: connector.serviceUrl, key: 'wrong' });
    const expired = await keys.sign({ appId, serviceUrl: connector.serviceUrl, expiresInS: -900 });

    const forgedAnswer = await postActivity(bot.ingressUrl, activity, forged);
    const expiredAnswer = await postActivity(bot.ingressUrl, activity, expired);
    const anonymous = await postActivity(bot.ingressUrl, activity);

    expect(forgedAnswer).toEqual({ status: 500, body: 'invalid signature' });
    expect(expiredAnswer).toEqual({ status: 401, body: 'The token has expired' });
    expect(anonymous.status).toBe(401);
  });
});
