import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBotConnectorStub, type BotConnectorStub } from '../support/bot-connector-stub.js';
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
    product = await startProduct({ redisUrl: redis.url });
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
});
