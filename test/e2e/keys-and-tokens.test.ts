import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { keyChangesWithoutApproval, writePolicyFile } from '../support/policy-file.js';
import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { startSlackApiStub, type SlackApiStub } from '../support/slack-api-stub.js';
import { say } from '../support/say.js';
import { waitFor } from '../support/wait-for.js';
import { diabetesRows, keysOf, score } from './e2e-support.js';
import { createSlackChat, type SlackChat } from './slack-chat.js';

const signingSecret = 'e2e-keys-signing-secret-0123456789';
const rows = { data: diabetesRows };
const tokenLifetimeS = 4;

/**
 * The product split by role, as it runs at scale: the gateway, a worker and the chat ingress
 * are three processes that share only Redis and SHIPMATE_HOME.
 */
describe('keys and tokens from Slack, across processes', () => {
  let redis: RedisServer;
  let slack: SlackApiStub;
  let gateway: Product;
  let worker: Product;
  let serve: Product;
  let chat: SlackChat;

  const tokenOf = (reply: string): string => {
    const token = /`(eyJ[^`]+)`/.exec(reply)?.[1];
    if (token === undefined) throw new Error(`no token in the reply:\n${reply}`);
    return token;
  };
  const ask = async (text: string, user?: string) => chat.reply(await chat.send(text, user));
  const status = async (service: string, auth: { key?: string; none?: true }) =>
    (await score(gateway, service, rows, auth.none ? {} : { key: auth.key })).status;

  beforeAll(async () => {
    redis = await startRedis();
    slack = await startSlackApiStub();
    const home = await mkdtemp(path.join(os.tmpdir(), 'shipmate-auth-'));
    gateway = await startProduct({ redisUrl: redis.url, role: 'gateway', home });
    worker = await startProduct({ redisUrl: redis.url, role: 'worker', home });
    serve = await startProduct({
      redisUrl: redis.url,
      role: 'serve',
      home,
      env: {
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_BOT_TOKEN: slack.token,
        SLACK_API_URL: slack.url,
        SHIPMATE_TOKEN_LIFETIME_S: String(tokenLifetimeS),
        // Approving is tested elsewhere; here the key changes themselves are.
        SHIPMATE_POLICY: await writePolicyFile(keyChangesWithoutApproval),
      },
    });
    chat = createSlackChat({
      ingressUrl: () => serve.ingressUrl,
      slack,
      signingSecret,
      channelId: 'C0E2EKEYS',
    });

    const deploys = await Promise.all([
      chat.runJob('deploy diabetes:1 --name diabetes'),
      chat.runJob('deploy diabetes:1 --name churn --auth token'),
    ]);
    for (const deploy of deploys) expect(deploy.status).toContain('— succeeded');
  });

  afterAll(async () => {
    await serve?.stop();
    await worker?.stop();
    await gateway?.stop();
    await slack?.close();
    await redis?.stop();
  });

  it('regenerates the primary key under load: the secondary never fails, the old primary is refused at once', async () => {
    const before = keysOf(await ask('keys show diabetes'));
    expect(await status('diabetes', { key: before.primary })).toBe(200);

    let stop = false;
    const answers: number[] = [];
    const stream = async (): Promise<void> => {
      while (!stop) answers.push(await status('diabetes', { key: before.secondary }));
    };
    const streams = [stream(), stream()];
    // The stream is under way before the regeneration starts.
    await waitFor(() => answers.length >= 10, { what: 'the request stream to run' });

    const job = await chat.runJob('keys regen diabetes --key primary');
    const oldPrimary = await status('diabetes', { key: before.primary });
    const afterJob = answers.length;
    await waitFor(() => answers.length >= afterJob + 10, { what: 'more requests after the job' });
    stop = true;
    await Promise.all(streams);

    expect(job.status).toContain('— succeeded');
    expect(oldPrimary).toBe(401);
    expect(answers.filter((code) => code !== 200)).toEqual([]);

    // The new key went to the asker alone, ephemerally, and opens the service.
    const handoff = await waitFor(
      () => slack.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('New')),
      { what: 'the new key to be sent privately', timeoutMs: 10_000 },
    );
    expect(handoff.args.user).toBe('U0ALICE');
    const fresh = /primary: `([^`]+)`/.exec(String(handoff.args.text))?.[1] ?? '';
    expect(fresh).not.toBe(before.primary);
    expect(await status('diabetes', { key: fresh })).toBe(200);
    expect(job.status).not.toContain(fresh);
    expect(keysOf(await ask('keys show diabetes'))).toEqual({
      primary: fresh,
      secondary: before.secondary,
    });
  });

  it('accepts a token until it expires, and refuses it after', async () => {
    const reply = await ask('token churn');
    const token = tokenOf(reply);
    expect(reply).toMatch(/Refresh by \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    expect(await status('churn', { key: token })).toBe(200);
    await waitFor(async () => (await status('churn', { key: token })) === 401, {
      what: 'the token to expire',
      timeoutMs: (tokenLifetimeS + 5) * 1000,
      intervalMs: 200,
    });
    expect(await status('churn', { key: tokenOf(await ask('token churn')) })).toBe(200);
  });

  it('switches auth key → token → none → key, each checked at the gateway', async () => {
    const keys = keysOf(await ask('keys show diabetes'));

    const toToken = await chat.runJob('service update diabetes --auth token');
    expect(toToken.status).toContain('— succeeded');
    const token = tokenOf(await ask('token diabetes'));
    expect(await status('diabetes', { key: token })).toBe(200);
    expect(await status('diabetes', { key: keys.primary })).toBe(401);
    expect(await status('diabetes', { none: true })).toBe(401);
    expect(await ask('service show diabetes')).toContain('Auth: token');
    expect(await ask('keys show diabetes')).toContain('uses token auth');

    // A token of one service opens no other, though both use token auth.
    const churnToken = tokenOf(await ask('token churn'));
    expect(await status('diabetes', { key: churnToken })).toBe(401);
    expect(await status('churn', { key: token })).toBe(401);

    const toNone = await chat.runJob('service update diabetes --auth none');
    expect(toNone.status).toContain('— succeeded');
    expect(await status('diabetes', { none: true })).toBe(200);
    expect(await ask('service show diabetes')).toContain(
      'Auth: off — anyone who can reach the gateway can score',
    );

    const toKey = await chat.runJob('service update diabetes --auth key');
    expect(toKey.status).toContain('— succeeded');
    expect(await status('diabetes', { none: true })).toBe(401);
    expect(await status('diabetes', { key: token })).toBe(401);
    expect(await status('diabetes', { key: keys.secondary })).toBe(200);
    expect(await ask('service show diabetes')).toContain('Auth: key');
    expect(await ask('token diabetes')).toContain('uses key auth');
  });

  it('shows a key regenerated from the terminal in that terminal, and nowhere in Slack', async () => {
    const before = keysOf(await ask('keys show diabetes'));
    const posted = slack.calls.length;

    const result = await say('keys regen diabetes --key secondary', serve.env);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('succeeded');
    const fresh = /secondary: `([^`]+)`/.exec(result.stdout)?.[1] ?? '';
    expect(fresh).not.toBe(before.secondary);
    expect(await status('diabetes', { key: fresh })).toBe(200);
    expect(await status('diabetes', { key: before.secondary })).toBe(401);
    expect(await status('diabetes', { key: before.primary })).toBe(200);
    expect(JSON.stringify(slack.calls.slice(posted))).not.toContain(fresh);
  });

  it('refuses a deploy asking for key and token auth together, and queues nothing', async () => {
    const reply = await ask('deploy diabetes:1 --name both --auth key,token');

    expect(reply).toContain('never both');
    expect(await ask('service list')).not.toContain('`both`');
  });
});
