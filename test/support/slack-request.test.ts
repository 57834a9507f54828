import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  interactionBody,
  sendInteraction,
  sendSlashCommand,
  signSlackRequest,
  slashCommandBody,
} from './slack-request.js';

// Slack's documented example for "Verifying requests from Slack".
const example = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&' +
    'channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&' +
    'command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands' +
    '%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&' +
    'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

const fields = {
  text: 'deploy churn v3 to aks-prod',
  userId: 'U1',
  userName: 'ada',
  channelId: 'C1',
  teamId: 'T1',
  responseUrl: 'http://127.0.0.1:9/response/r1',
  triggerId: '1.2.abc',
};

interface Received {
  url: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: Server;
let ingressUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ url: request.url, headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ response_type: 'ephemeral', text: 'ok' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ingressUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('signSlackRequest', () => {
  it("produces the signature of Slack's documented example", () => {
    const headers = signSlackRequest(example.secret, example.body, example.timestamp);

    expect(headers).toEqual({
      'x-slack-signature': example.signature,
      'x-slack-request-timestamp': '1531420618',
    });
  });

  it('signs with the current time by default', () => {
    const now = Math.floor(Date.now() / 1000);

    const stamp = Number(signSlackRequest('s', 'b')['x-slack-request-timestamp']);

    expect(Math.abs(stamp - now)).toBeLessThanOrEqual(1);
  });
});

describe('slashCommandBody', () => {
  it("form-encodes the fields of Slack's slash command payload, in order", () => {
    const body = slashCommandBody(fields);
    const params = new URLSearchParams(body);

    expect([...params.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(body).toContain('command=%2Fml&text=deploy+churn+v3+to+aks-prod&');
    expect(params.get('response_url')).toBe(fields.responseUrl);
    expect(params.get('is_enterprise_install')).toBe('false');
  });

  it('makes up a trigger id in Slack shape when none is given', () => {
    const rest = { ...fields, triggerId: undefined };

    const params = new URLSearchParams(slashCommandBody(rest));

    expect(params.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
  });
});

describe('sendSlashCommand', () => {
  it('posts a signed form to /slack/events and reports the answer', async () => {
    received.length = 0;

    const result = await sendSlashCommand(ingressUrl, 'secret', fields);

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ response_type: 'ephemeral', text: 'ok' });
    expect(result.ms).toBeGreaterThan(0);
    const [request] = received;
    expect(request?.url).toBe('/slack/events');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.body).toBe(slashCommandBody(fields));
    const stamp = Number(request?.headers['x-slack-request-timestamp']);
    expect(request?.headers['x-slack-signature']).toBe(
      signSlackRequest('secret', request?.body ?? '', stamp)['x-slack-signature'],
    );
  });

  it('sends the timestamp, signature and headers it is given', async () => {
    received.length = 0;

    await sendSlashCommand(ingressUrl, 'secret', fields, {
      timestamp: 1000,
      signature: 'v0=bad',
      headers: { 'x-slack-retry-num': '1' },
    });

    expect(received[0]?.headers).toMatchObject({
      'x-slack-request-timestamp': '1000',
      'x-slack-signature': 'v0=bad',
      'x-slack-retry-num': '1',
    });
  });
});

describe('interactions', () => {
  it('sends a payload form field holding the JSON', async () => {
    received.length = 0;
    const payload = { type: 'block_actions', actions: [{ action_id: 'approve', value: 'a&b' }] };

    expect(interactionBody(payload)).toBe(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await sendInteraction(ingressUrl, 'secret', payload);

    const body = new URLSearchParams(received[0]?.body);
    expect(JSON.parse(body.get('payload') ?? '')).toEqual(payload);
  });
});
