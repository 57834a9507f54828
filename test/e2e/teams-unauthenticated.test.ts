import { randomUUID } from 'node:crypto';
import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBotConnectorStub, type BotConnectorStub } from '../support/bot-connector-stub.js';
import { writePolicyFile } from '../support/policy-file.js';
import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { messageActivity, postActivity } from '../support/teams-activities.js';
import { personalChat, teamsUser } from '../support/teams-conversations.js';
import { cardText } from '../support/teams-product.js';
import { waitFor } from '../support/wait-for.js';

describe('Teams without credentials, as the Bot Framework Emulator uses it', () => {
  let redis: RedisServer;
  let connector: BotConnectorStub;
  let product: Product;
  const appId = randomUUID();
  const user = teamsUser('Emma');

  beforeAll(async () => {
    redis = await startRedis();
    connector = await startBotConnectorStub();
    // Only U0LEAD (a Slack id) may approve deletes; nobody in Teams can pass for them.
    const policy = [
      'rules:',
      '  - name: the lead approves deletes',
      '    commands: [service.delete]',
      '    approval: { approvers: 1, from: [U0LEAD] }',
    ].join('\n');
    product = await startProduct({
      redisUrl: redis.url,
      env: { SHIPMATE_POLICY: await writePolicyFile(policy) },
    });
  }, 60_000);

  afterAll(async () => {
    await product?.stop();
    await connector?.close();
    await redis?.stop();
  });

  it('says at start-up that it checks no tokens and is for this machine only', () => {
    expect(product.output()).toContain('Teams runs unauthenticated');
    expect(product.output()).toContain('without authentication (no MICROSOFT_APP_ID)');
  });

  it('answers an activity from a connector on this machine, sending no token', async () => {
    const chat = personalChat(randomUUID());
    const activity = messageActivity({
      text: 'help',
      user,
      conversation: chat,
      serviceUrl: connector.serviceUrl,
      appId,
    });
    expect((await postActivity(product.ingressUrl, activity)).status).toBe(200);

    const reply = await waitFor(
      () => connector.activities(chat.id).find((a) => cardText(a).includes('service list')),
      { what: 'the help reply' },
    );
    expect(reply).toBeDefined();
    expect(connector.requests.every((r) => r.token === undefined)).toBe(true);
  });

  it('refuses an activity whose connector is not on this machine, and never calls it', async () => {
    const chat = personalChat(randomUUID());
    const activity = messageActivity({
      text: 'help',
      user,
      conversation: chat,
      // `.invalid` never resolves: were the product to call it, nothing would leave.
      serviceUrl: 'http://connector.invalid/teams/',
      appId,
    });
    const answer = await postActivity(product.ingressUrl, activity);
    expect(answer.status).toBe(401);
    expect(JSON.stringify(answer.body)).toContain('serviceUrl is on this machine');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(product.output()).not.toContain('connector.invalid');
  });

  it('refuses what a web page could send: plain text, an Origin, a foreign Host', async () => {
    const chat = personalChat(randomUUID());
    const body = JSON.stringify(
      messageActivity({
        text: 'deploy diabetes:1 --name from-a-page',
        user,
        conversation: chat,
        serviceUrl: connector.serviceUrl,
        appId,
      }),
    );
    const post = (headers: Record<string, string>) =>
      fetch(`${product.ingressUrl}/api/messages`, { method: 'POST', headers, body });

    expect((await post({ 'content-type': 'text/plain' })).status).toBe(415);
    const fromPage = await post({
      'content-type': 'application/json',
      origin: 'http://attacker.invalid',
    });
    expect(fromPage.status).toBe(403);
    // fetch will not send another Host; a page that rebinds a name to 127.0.0.1 would.
    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        `${product.ingressUrl}/api/messages`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', host: 'attacker.invalid' },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toEqual({
      error: 'without MICROSOFT_APP_ID, only this machine may call',
    });

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connector.activities(chat.id)).toEqual([]);
    expect(product.output()).not.toContain('from-a-page —');
  });

  it('never takes a Teams sender for a Slack user the policy names', async () => {
    const chat = personalChat(randomUUID());
    const as = (who: typeof user, text: string) =>
      postActivity(
        product.ingressUrl,
        messageActivity({
          text,
          user: who,
          conversation: chat,
          serviceUrl: connector.serviceUrl,
          appId,
        }),
      );
    await as(user, 'deploy diabetes:1 --name victim');
    await waitFor(
      () => connector.activities(chat.id).find((a) => cardText(a).includes('victim — succeeded')),
      { what: 'the deploy', timeoutMs: 30_000 },
    );
    await as(user, 'service delete victim');
    const card = await waitFor(
      () => connector.activities(chat.id).find((a) => cardText(a).includes('awaiting approval')),
      { what: 'the approval request' },
    );
    const jobId = /job ([a-z0-9]+)/.exec(cardText(card))?.[1] ?? '';

    const impostor = { ...teamsUser('The Lead'), aadObjectId: 'U0LEAD' };
    const before = connector.activities(chat.id).length;
    await as(impostor, `approve ${jobId}`);
    const answer = await waitFor(() => connector.activities(chat.id)[before], {
      what: "the impostor's answer",
    });
    expect(cardText(answer)).toMatch(/Not allowed: the policy rule "the lead approves deletes"/);
    expect(cardText(card)).toContain('awaiting approval');
  });
});
