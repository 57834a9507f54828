import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { startSlackApiStub, type SlackApiStub } from '../support/slack-api-stub.js';
import { waitFor } from '../support/wait-for.js';
import { say } from './e2e-support.js';
import { createSlackChat, type SlackChat } from './slack-chat.js';

const signingSecret = 'e2e-catch-up-secret-0123456789abcdef';

describe('status messages after the chat ingress was away', () => {
  let redis: RedisServer;
  let slack: SlackApiStub;
  let gateway: Product;
  let worker: Product;
  let serve: Product | undefined;
  let chat: SlackChat;
  let home: string;

  const startServe = () =>
    startProduct({
      redisUrl: redis.url,
      role: 'serve',
      home,
      env: {
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_BOT_TOKEN: slack.token,
        SLACK_API_URL: slack.url,
      },
    });

  beforeAll(async () => {
    redis = await startRedis();
    slack = await startSlackApiStub();
    home = await mkdtemp(path.join(os.tmpdir(), 'shipmate-catch-up-'));
    gateway = await startProduct({ redisUrl: redis.url, role: 'gateway', home });
    worker = await startProduct({ redisUrl: redis.url, role: 'worker', home });
    serve = await startServe();
    chat = createSlackChat({
      ingressUrl: () => serve?.ingressUrl ?? '',
      slack,
      signingSecret,
      channelId: 'C0CATCHUP',
    });
    expect((await chat.runJob('deploy diabetes:1 --name diabetes')).status).toContain('succeeded');
  }, 90_000);

  afterAll(async () => {
    await serve?.stop();
    await worker?.stop();
    await gateway?.stop();
    await slack?.close();
    await redis?.stop();
  });

  it('brings a message up to date when its job was decided and ran with serve down', async () => {
    await chat.send('service delete diabetes');
    const message = await waitFor(
      () =>
        [...slack.messages.values()].find((m) =>
          m.text?.includes('delete service diabetes — awaiting approval'),
        ),
      { what: 'the approval request', timeoutMs: 30_000 },
    );
    const jobId = /job ([a-z0-9]+)/.exec(message.text ?? '')?.[1] ?? '';

    await serve?.stop();
    serve = undefined;
    const approved = await say(worker, `approve ${jobId}`);
    expect(approved.output).toContain(`Approved: job ${jobId} is queued.`);
    await waitFor(async () => (await say(worker, `job ${jobId}`)).output.includes('succeeded'), {
      what: 'the delete to run with no serve process',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    expect(message.text).toContain('awaiting approval');

    serve = await startServe();
    await waitFor(() => message.text?.includes('delete service diabetes — succeeded'), {
      what: 'the message to catch up',
      timeoutMs: 15_000,
    });
    expect(message.text).toMatch(/Approved by \S+/);
    expect(JSON.stringify(message.blocks)).not.toContain('"actions"');
  });
});
