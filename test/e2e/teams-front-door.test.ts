import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConnectorActivity } from '../support/bot-connector-stub.js';
import { messageActivity } from '../support/teams-activities.js';
import {
  channelThread,
  teamsUser,
  type TeamsConversation,
} from '../support/teams-conversations.js';
import { cardText, startTeamsProduct, type TeamsProduct } from '../support/teams-product.js';
import { waitFor } from '../support/wait-for.js';

describe('the Teams front door', () => {
  let teams: TeamsProduct;
  const alice = teamsUser('Alice');
  let channel: TeamsConversation;

  const say = (text: string, conversation = channel) => teams.say(text, alice, conversation);
  const message = (text: string) =>
    messageActivity({
      text,
      user: alice,
      conversation: channel,
      serviceUrl: teams.connector.serviceUrl,
      appId: teams.appId,
    });
  const cardWith = (text: string, conversation = channel): Promise<ConnectorActivity> =>
    waitFor(
      () => teams.connector.activities(conversation.id).find((a) => cardText(a).includes(text)),
      { what: `a card saying "${text}"`, timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    teams = await startTeamsProduct();
    channel = channelThread({ tenantId: teams.tenantId });
  }, 60_000);

  afterAll(async () => {
    await teams?.stop();
  });

  it('deploys a model from a Teams message, its card updated in place to succeeded', async () => {
    const answer = await say('deploy diabetes:1 --name diabetes');
    expect(answer.status).toBe(200);

    const card = await cardWith('deploy diabetes:1 as diabetes');
    await waitFor(() => cardText(card).includes('as diabetes — succeeded'), {
      what: 'the card to reach succeeded',
      timeoutMs: 30_000,
    });
    // One card for the job, posted once and then replaced: never a second message.
    const cards = teams.connector
      .activities(channel.id)
      .filter((a) => cardText(a).includes('deploy diabetes:1 as diabetes'));
    expect(cards).toHaveLength(1);
    expect(card.versions.length).toBeGreaterThan(1);
    const attachment = (
      card.body.attachments as Array<{ contentType: string; content: object }>
    )[0];
    expect(attachment?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment?.content).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(cardText(card)).toMatch(/asked by Alice · \d+ s/);

    // Every write carried a token the login stand-in issued for the bot's own credentials.
    const writes = teams.connector.requests.filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.every((r) => r.token !== undefined && teams.entra.issued.includes(r.token))).toBe(
      true,
    );
    expect(teams.product.output()).not.toContain(teams.appPassword);
    for (const token of teams.entra.issued) expect(teams.product.output()).not.toContain(token);
  });

  it('answers help and typing mistakes in the conversation, without a job', async () => {
    await say('help');
    const help = await cardWith('deploy <model>:<version>');
    expect(cardText(help)).toContain('service show <name>');

    await say('deploy diabetes:one --name x');
    const refusal = await cardWith('Usage:');
    expect(cardText(refusal)).toMatch(/version/i);
  });

  it('refuses forged, expired, wrong-audience and misdirected tokens with 401', async () => {
    const before = teams.connector.activities().length;
    const attempts = [
      { key: 'wrong' as const },
      { expiresInS: -900 },
      { audience: '00000000-0000-4000-8000-00000000dead' },
      { serviceUrl: 'http://127.0.0.1:9/teams/' },
      { issuer: 'https://not-the-bot-framework.example' },
    ];
    for (const sign of attempts) {
      const answer = await teams.send(message('service delete diabetes'), sign);
      expect(answer.status, JSON.stringify(sign)).toBe(401);
    }
    expect((await teams.send(message('service delete diabetes'), 'none')).status).toBe(401);

    // Nothing was queued or said: no card, no reply, and the service is still there.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(teams.connector.activities().length).toBe(before);
    await say('service list');
    const list = await cardWith('diabetes', channel);
    expect(cardText(list)).toContain('diabetes');
    expect(teams.product.output()).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it('refuses a validly signed activity from another tenant: this bot serves one', async () => {
    const elsewhere = channelThread({ tenantId: '00000000-0000-4000-8000-0000000e15e0' });
    const answer = await teams.send(
      messageActivity({
        text: 'keys show diabetes',
        user: alice,
        conversation: elsewhere,
        serviceUrl: teams.connector.serviceUrl,
        appId: teams.appId,
      }),
    );
    expect(answer.status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(teams.connector.activities(elsewhere.id)).toEqual([]);
    expect(teams.connector.conversations).toEqual([]);

    // Its own tenant, however Teams spells the id, is served.
    const home = channelThread({ tenantId: teams.tenantId.toUpperCase() });
    expect((await teams.say('service list', alice, home)).status).toBe(200);
  });

  it('answers a body too large to read with a short 413, not a stack trace', async () => {
    const response = await fetch(`${teams.product.ingressUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x'.repeat(300_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'the body is too large' });
    // The body reader's error, stack and all, stays out of the output too.
    expect(teams.product.output()).not.toContain('raw-body');
  });

  it('refuses a body that is not an activity with 400', async () => {
    const response = await fetch(`${teams.product.ingressUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", "text": ',
    });
    expect(response.status).toBe(400);
    const missing = await teams.send({ type: 'message', text: 'ml help' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toMatch(/serviceUrl|channelId/);
  });

  it('paces a burst to about 7 writes a second, retries throttled ones, drops none', async () => {
    const burst = channelThread({ tenantId: teams.tenantId });
    teams.connector.failNext({ status: 429, count: 2, retryAfterSeconds: 1, method: 'POST' });
    teams.connector.failNext({ status: 412, count: 1, method: 'POST' });
    teams.connector.failNext({ status: 502, count: 1, method: 'POST' });
    teams.connector.failNext({ status: 504, count: 1, method: 'POST' });
    const asked = 12;
    for (let i = 0; i < asked; i += 1) {
      expect((await say(`help topic-${i}`, burst)).status).toBe(200);
    }

    await waitFor(() => teams.connector.activities(burst.id).length >= asked, {
      what: `${asked} replies`,
      timeoutMs: 45_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(teams.connector.activities(burst.id)).toHaveLength(asked);

    const refused = teams.connector.requests.filter(
      (r) => r.path.includes(burst.id) && [412, 429, 502, 504].includes(r.status),
    );
    expect(refused.map((r) => r.status).sort()).toEqual([412, 429, 429, 502, 504]);
    const accepted = teams.connector.requests
      .filter((r) => r.path.includes(burst.id) && r.method === 'POST' && r.status < 300)
      .map((r) => r.at);
    const gaps = accepted.slice(1).map((at, i) => at - (accepted[i] ?? at));
    // About seven a second: never two writes to one conversation closer than ~1/7 s.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(130);
  });
});
