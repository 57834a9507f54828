import { WebClient, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startSlackApiStub, type SlackApiStub } from './slack-api-stub.js';

let stub: SlackApiStub;

beforeAll(async () => {
  stub = await startSlackApiStub({ token: 'xoxb-good' });
});

afterAll(async () => {
  await stub.close();
});

beforeEach(() => {
  stub.reset();
});

function client(token = 'xoxb-good', rejectRateLimitedCalls = true): WebClient {
  return new WebClient(token, {
    slackApiUrl: stub.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls,
  });
}

async function callRaw(method: string, body: string, type: string, token?: string) {
  const headers: Record<string, string> = { 'content-type': type };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${stub.url}${method}`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('startSlackApiStub', () => {
  it('serves a base URL ending in /api/ on loopback', () => {
    expect(stub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test with the bot identity', async () => {
    const result = await client().auth.test();

    expect(result).toMatchObject({ ok: true, user_id: 'U0SHIPBOT', bot_id: 'B0SHIPBOT' });
    expect(result.team_id).toBe('T0SHIPMATE');
  });

  it('records a postMessage and an update and keeps every version', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*queued*' } }];

    const posted = await client().chat.postMessage({ channel: 'C1', text: 'queued', blocks });
    const updated = await client().chat.update({
      channel: 'C1',
      ts: posted.ts ?? '',
      text: 'running',
    });

    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message?.text).toBe('queued');
    expect(updated).toMatchObject({ ok: true, channel: 'C1', ts: posted.ts, text: 'running' });
    const message = stub.messages.get(`C1:${posted.ts}`);
    expect(message?.text).toBe('running');
    expect(message?.blocks).toEqual(blocks);
    expect(message?.history.map((version) => version.text)).toEqual(['queued', 'running']);
    expect(stub.calls.map((call) => call.method)).toEqual(['chat.postMessage', 'chat.update']);
    expect(stub.callsTo('chat.postMessage')[0]?.args.blocks).toEqual(blocks);
    expect(stub.calls[0]?.args).not.toHaveProperty('token');
  });

  it('hands out increasing message timestamps', async () => {
    const first = await client().chat.postMessage({ channel: 'C1', text: 'one' });
    const second = await client().chat.postMessage({ channel: 'C1', text: 'two' });

    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
  });

  it('refuses to update a message it never saw', async () => {
    await expect(
      client().chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }),
    ).rejects.toMatchObject({ data: { ok: false, error: 'message_not_found' } });
  });

  it('refuses a bad or missing token with invalid_auth', async () => {
    await expect(client('xoxb-wrong').auth.test()).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    const anonymous = await callRaw('auth.test', '', 'application/x-www-form-urlencoded');

    expect(anonymous.json).toEqual({ ok: false, error: 'invalid_auth' });
    expect(stub.calls.map((call) => call.token)).toEqual(['xoxb-wrong', undefined]);
  });

  it('accepts the token as a form field and JSON bodies', async () => {
    const form = await callRaw(
      'chat.postEphemeral',
      'token=xoxb-good&channel=C1&user=U1&text=secret',
      'application/x-www-form-urlencoded',
    );
    const json = await callRaw(
      'views.open',
      JSON.stringify({ trigger_id: 't1', view: { type: 'modal', title: { text: 'Hi' } } }),
      'application/json; charset=utf-8',
      'xoxb-good',
    );

    expect(form.json).toMatchObject({ ok: true, message_ts: expect.any(String) });
    expect(json.json).toMatchObject({ ok: true, view: { id: expect.any(String), type: 'modal' } });
  });

  it('updates an opened view', async () => {
    const opened = await client().views.open({
      trigger_id: 't1',
      view: { type: 'modal', title: { type: 'plain_text', text: 'One' }, blocks: [] },
    });
    const viewId = opened.view?.id ?? '';

    const updated = await client().views.update({
      view_id: viewId,
      view: { type: 'modal', title: { type: 'plain_text', text: 'Two' }, blocks: [] },
    });

    expect(updated.view?.id).toBe(viewId);
    expect(stub.views.get(viewId)?.history).toHaveLength(2);
  });

  it('answers unknown_method for methods it does not serve', async () => {
    const result = await callRaw('conversations.list', '', 'text/plain', 'xoxb-good');

    expect(result.json).toEqual({ ok: false, error: 'unknown_method' });
  });

  it('answers 429 with Retry-After when told, then recovers', async () => {
    stub.failNext('chat.postMessage', { retryAfterSeconds: 7 });

    const limited = await fetch(`${stub.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-good' },
      body: new URLSearchParams({ channel: 'C1', text: 'hi' }),
    });
    const again = await client().chat.postMessage({ channel: 'C1', text: 'hi' });

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(again.ok).toBe(true);
    expect(stub.calls.map((call) => call.status)).toEqual([429, 200]);
  });

  it('rate-limits the given number of calls, as the Slack client sees it', async () => {
    stub.failNext('chat.update', { retryAfterSeconds: 3, count: 2 });

    const failure = (await client()
      .chat.update({ channel: 'C1', ts: '1.1', text: 'x' })
      .catch((error: unknown) => error)) as WebAPIRateLimitedError;
    const second = await callRaw('chat.update', 'channel=C1', 'application/x-www-form-urlencoded');

    expect(failure.code).toBe('slack_webapi_rate_limited_error');
    expect(failure.retryAfter).toBe(3);
    expect(second.status).toBe(429);
  });

  it('records posts to response URLs', async () => {
    const url = stub.responseUrl('cmd-1');

    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'Queued', replace_original: false }),
    });

    expect(url).toBe(`${stub.url.replace(/api\/$/, '')}response/cmd-1`);
    expect(response.status).toBe(200);
    expect(stub.responses).toEqual([
      {
        id: 'cmd-1',
        body: { response_type: 'ephemeral', text: 'Queued', replace_original: false },
        at: expect.any(Number),
      },
    ]);
  });
});
