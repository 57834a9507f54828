import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Product } from '../support/product.js';
import type { RedisServer } from '../support/redis-server.js';
import type { SlackApiStub } from '../support/slack-api-stub.js';
import { startSlackProduct } from '../support/slack-product.js';
import { sendSlashCommand, type SlashCommandFields } from '../support/slack-request.js';
import { waitFor } from '../support/wait-for.js';

const signingSecret = 'e2e-signing-secret-0123456789abcdef';
const channelId = 'C0E2EDEPLOY';
const rows = { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] };

describe('deploying from Slack', () => {
  let redis: RedisServer;
  let slack: SlackApiStub;
  let product: Product;
  let triggers = 0;

  const command = (text: string, extra: Partial<SlashCommandFields> = {}) => {
    triggers += 1;
    return sendSlashCommand(product.ingressUrl, signingSecret, {
      text,
      userId: 'U0ALICE',
      userName: 'alice',
      channelId,
      teamId: 'T0SHIP',
      responseUrl: slack.responseUrl(`r${triggers}`),
      triggerId: `trigger-${triggers}`,
      ...extra,
    });
  };
  const channelTexts = (): string[] =>
    [...slack.messages.values()].flatMap((m) => [
      m.text ?? '',
      ...m.history.map((h) => h.text ?? ''),
    ]);
  const responsesTo = (id: string) => slack.responses.filter((r) => r.id === id);
  const score = (key: string | undefined) =>
    fetch(`${product.gatewayUrl}/api/v1/service/diabetes/score`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(rows),
    });

  beforeAll(async () => {
    ({ redis, slack, product } = await startSlackProduct(signingSecret));
  });

  afterAll(async () => {
    await product?.stop();
    await slack?.close();
    await redis?.stop();
  });

  it('deploys a model, shows the job in one channel message, and scores with either key', async () => {
    const ack = await command('deploy diabetes:1 --name diabetes');
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);

    const message = await waitFor(
      () => [...slack.messages.values()].find((m) => m.text?.includes('succeeded')),
      { what: 'the status message to say succeeded', timeoutMs: 30_000 },
    );
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(message.channel).toBe(channelId);
    // No Slack round trip stands in front of an acknowledgement.
    expect(slack.callsTo('auth.test').length).toBeLessThanOrEqual(1);
    const versions = [...message.history.map((h) => h.text ?? ''), message.text ?? ''];
    const jobId = /job ([a-z0-9]+)/.exec(message.text ?? '')?.[1];
    expect(jobId).toBeDefined();
    for (const text of versions) {
      expect(text).toContain(`job ${jobId}`);
      const words = ['queued', 'running', 'succeeded', 'failed'].filter((w) =>
        text.includes(` ${w}`),
      );
      expect(words).toHaveLength(1);
    }
    expect(message.text).toMatch(/✓ wait until ready/);

    // Paced at Slack's one write per second per channel; intermediate states coalesced.
    const writes = slack.calls
      .filter((c) => ['chat.postMessage', 'chat.update'].includes(c.method))
      .map((c) => c.at);
    for (let i = 1; i < writes.length; i += 1) {
      expect((writes[i] ?? 0) - (writes[i - 1] ?? 0)).toBeGreaterThanOrEqual(950);
    }
    expect(message.text).toMatch(/\d+ s/);

    const keysAck = await command('keys show diabetes');
    expect(keysAck.status).toBe(200);
    const reply = await waitFor(() => responsesTo(`r${triggers}`)[0], { what: 'the keys reply' });
    const body = reply.body as { response_type?: string; text?: string };
    expect(body.response_type).toBe('ephemeral');
    const keys = [...(body.text ?? '').matchAll(/`([A-Za-z0-9_-]{40,})`/g)].map((m) => m[1] ?? '');
    expect(keys).toHaveLength(2);
    const [primary = '', secondary = ''] = keys;
    expect(body.text?.indexOf('primary')).toBeLessThan(body.text?.indexOf('secondary') ?? 0);

    for (const key of [primary, secondary]) {
      const scored = await score(key);
      expect(scored.status).toBe(200);
      expect(scored.headers.get('azureml-model-deployment')).toBe('diabetes-1');
      const predictions = (await scored.json()) as number[];
      expect(predictions).toHaveLength(1);
      expect(predictions[0]).toBeCloseTo(10980.6636, 3);
    }
    for (const key of [undefined, 'not-a-key', `${primary}x`]) {
      const refused = await score(key);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'Unauthorized',
      );
    }

    // Keys only ever went to the asker: not to the channel, not to the log.
    const everythingPosted = JSON.stringify(slack.calls.map((c) => c.args)) + channelTexts().join();
    for (const key of keys) {
      expect(everythingPosted).not.toContain(key);
      expect(product.output()).not.toContain(key);
    }
  });

  it('answers bad input ephemerally with the usage line and queues nothing', async () => {
    const posted = slack.callsTo('chat.postMessage').length;
    const bad = [
      'deploy diabetes:1 --name Bad_Name',
      'deploy --name x1y',
      'dance',
      'deploy diabetes:1 --name ok1 --cpu -2',
    ];
    for (const text of bad) {
      const ack = await command(text);
      expect(ack.status).toBe(200);
      expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
      const textReply = (ack.json as { text: string }).text;
      expect(textReply.length).toBeGreaterThan(10);
      if (text.startsWith('deploy')) expect(textReply).toContain('Usage: `deploy');
    }
    const missing = await command('deploy nosuchmodel:3 --name other');
    expect(missing.status).toBe(200);
    const reply = await waitFor(() => responsesTo(`r${triggers}`)[0], {
      what: 'the not-found reply',
    });
    expect(JSON.stringify(reply.body)).toContain('nosuchmodel:3 is not registered');

    const taken = await command('deploy diabetes:1 --name diabetes');
    const conflict = await waitFor(() => responsesTo(`r${triggers}`)[0], {
      what: 'the conflict reply',
    });
    expect(taken.status).toBe(200);
    expect(JSON.stringify(conflict.body)).toContain('already exists');

    await new Promise((r) => setTimeout(r, 500));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(posted);
  });

  it('refuses forged and stale requests with 401 and does nothing', async () => {
    const posted = slack.calls.length;
    const forged = await sendSlashCommand(product.ingressUrl, 'a-different-secret', {
      text: 'deploy diabetes:1 --name forged',
      userId: 'U0EVE',
      channelId,
      teamId: 'T0SHIP',
      responseUrl: slack.responseUrl('forged'),
    });
    expect(forged.status).toBe(401);

    const stale = await sendSlashCommand(
      product.ingressUrl,
      signingSecret,
      {
        text: 'deploy diabetes:1 --name stale',
        userId: 'U0EVE',
        channelId,
        teamId: 'T0SHIP',
        responseUrl: slack.responseUrl('stale'),
      },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(stale.status).toBe(401);

    const future = await sendSlashCommand(
      product.ingressUrl,
      signingSecret,
      {
        text: 'deploy diabetes:1 --name future',
        userId: 'U0EVE',
        channelId,
        teamId: 'T0SHIP',
        responseUrl: slack.responseUrl('future'),
      },
      { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 },
    );
    expect(future.status).toBe(401);

    await new Promise((r) => setTimeout(r, 500));
    const refused = ['forged', 'stale', 'future'];
    expect(slack.responses.filter((r) => refused.includes(r.id))).toHaveLength(0);
    const newPosts = slack.calls.slice(posted).filter((c) => c.method === 'chat.postMessage');
    expect(newPosts.every((c) => !JSON.stringify(c.args).includes('forged'))).toBe(true);
    expect(newPosts.every((c) => !JSON.stringify(c.args).includes('stale'))).toBe(true);
  });
});

describe('Slack delivery edge cases', () => {
  let redis: RedisServer;
  let slack: SlackApiStub;
  let product: Product;

  const send = (text: string, triggerId: string, responseId: string) =>
    sendSlashCommand(product.ingressUrl, signingSecret, {
      text,
      userId: 'U0BOB',
      userName: 'bob',
      channelId: 'C0EDGES',
      teamId: 'T0SHIP',
      responseUrl: slack.responseUrl(responseId),
      triggerId,
    });

  beforeAll(async () => {
    // The shipped sample beside a careless fixture model.
    const models = await mkdtemp(path.join(os.tmpdir(), 'shipmate-models-'));
    await cp(fileURLToPath(new URL('../../models/', import.meta.url)), models, { recursive: true });
    await cp(
      fileURLToPath(new URL('../fixtures/models/leaky', import.meta.url)),
      `${models}/leaky`,
      {
        recursive: true,
      },
    );
    ({ redis, slack, product } = await startSlackProduct(signingSecret, {
      SHIPMATE_STATUS_PACE_MS: '300',
      SHIPMATE_MODELS: models,
    }));
  });

  afterAll(async () => {
    await product?.stop();
    await slack?.close();
    await redis?.stop();
  });

  it('runs a repeated delivery of the same command once, and waits out a 429', async () => {
    slack.failNext('chat.update', { status: 429, retryAfterSeconds: 1 });
    const first = await send('deploy diabetes:1 --name twice', 'same-trigger', 'a');
    const again = await send('deploy diabetes:1 --name twice', 'same-trigger', 'b');
    expect([first.status, again.status]).toEqual([200, 200]);

    const message = await waitFor(
      () => [...slack.messages.values()].find((m) => m.text?.includes('succeeded')),
      { what: 'the status message to say succeeded', timeoutMs: 30_000 },
    );
    expect(message.text).toContain('deploy diabetes:1 as twice');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('chat.update').some((c) => c.status === 429)).toBe(true);
    // A late repeat, after the job finished, is still the same job: no clash, no new message.
    const late = await send('deploy diabetes:1 --name twice', 'same-trigger', 'c');
    expect(late.status).toBe(200);
    await new Promise((r) => setTimeout(r, 800));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(
      slack.responses.filter((r) => JSON.stringify(r.body).includes('already exists')),
    ).toEqual([]);
  });

  it('keeps the product secrets out of a model process and its logs', async () => {
    await send('deploy leaky:1 --name leaky --auth none', 'leaky-deploy', 'leaky-deploy');
    await waitFor(
      () => [...slack.messages.values()].find((m) => m.text?.includes('as leaky — succeeded')),
      { what: 'the leaky deploy to succeed', timeoutMs: 30_000 },
    );
    const scored = await fetch(`${product.gatewayUrl}/api/v1/service/leaky/score`, {
      method: 'POST',
      body: '{}',
    });
    const { env } = (await scored.json()) as { env: Record<string, string> };
    expect(env.SHIPMATE_ENTRY_SCRIPT).toContain('leaky');
    expect(Object.keys(env).filter((name) => /SLACK|REDIS_URL/.test(name))).toEqual([]);

    await send('service logs leaky --tail 200', 'leaky-logs', 'leaky-logs');
    const logs = await waitFor(() => slack.responses.find((r) => r.id === 'leaky-logs'), {
      what: 'the logs reply',
    });
    const text = JSON.stringify(logs.body);
    expect(text).toContain('SHIPMATE_ENTRY_SCRIPT=');
    expect(text).not.toContain(slack.token);
    expect(text).not.toContain(signingSecret);
  });

  it('answers "not queued" when Redis is down, instead of staying silent', async () => {
    await redis.stop();
    const ack = await send('deploy diabetes:1 --name offline', 'offline-trigger', 'offline');
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);

    const reply = await waitFor(() => slack.responses.find((r) => r.id === 'offline'), {
      what: 'the not-queued reply',
      timeoutMs: 15_000,
    });
    expect(JSON.stringify(reply.body)).toMatch(/nothing was queued/);
    expect((reply.body as { response_type?: string }).response_type).toBe('ephemeral');
  });
});
