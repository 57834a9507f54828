import type { Activity, ConversationParameters } from 'botbuilder';
import { ConnectorClient, MicrosoftAppCredentials } from 'botframework-connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBotConnectorStub, type BotConnectorStub } from './bot-connector-stub.js';
import { channelThread, groupChat, personalChat, teamsUser } from './teams-conversations.js';

const tenantId = '00000000-0000-4000-8000-0000000007e1';
const appId = '00000000-0000-4000-8000-00000000b07a';
const goodToken = 'connector-token-1';

let open: BotConnectorStub;
let guarded: BotConnectorStub;

beforeAll(async () => {
  open = await startBotConnectorStub();
  guarded = await startBotConnectorStub({ acceptedTokens: () => [goodToken] });
});

afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

/** A ConnectorClient as botbuilder makes one, with no token (`MicrosoftAppCredentials.Empty`). */
function client(stub: BotConnectorStub = open): ConnectorClient {
  return new ConnectorClient(MicrosoftAppCredentials.Empty, { baseUri: stub.serviceUrl });
}

/** Credentials that sign every request with a fixed bearer token. */
function bearer(token: string): ConstructorParameters<typeof ConnectorClient>[0] {
  return {
    signRequest: (resource) => {
      resource.headers.set('authorization', `Bearer ${token}`);
      return Promise.resolve(resource);
    },
  };
}

function message(text: string): Partial<Activity> {
  return { type: 'message', text };
}

/** Runs `work` and says how it ended and how long it took. */
async function timed(work: () => Promise<unknown>) {
  const start = Date.now();
  const error = await work().then(
    () => undefined,
    (e: unknown) => e as { statusCode?: number; code?: string },
  );
  return { error, ms: Date.now() - start };
}

describe('startBotConnectorStub', () => {
  it('serves a Teams-like serviceUrl with a path on loopback', () => {
    expect(open.serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/teams\/$/);
  });

  it('records a post, a reply and an update of a channel message with every version', async () => {
    const { id } = channelThread({ tenantId });

    const posted = await client().conversations.sendToConversation(id, message('queued'));
    const reply = await client().conversations.replyToActivity(id, posted.id, message('more'));
    const updated = await client().conversations.updateActivity(id, posted.id, message('running'));

    expect(updated.id).toBe(posted.id);
    const [first, second] = open.activities(id);
    expect(first).toMatchObject({ id: posted.id, replyToId: undefined, body: { text: 'running' } });
    expect(first?.versions.map((version) => version.text)).toEqual(['queued', 'running']);
    expect(second).toMatchObject({ id: reply.id, replyToId: posted.id });
    expect(open.requests.at(-1)).toMatchObject({ method: 'PUT', status: 200, token: undefined });
    expect(open.requests.at(-1)?.path).toBe(
      `/teams/v3/conversations/${id}/activities/${posted.id}`,
    );
  });

  it('answers 404 ActivityNotFoundInConversation to an update of an unknown activity', async () => {
    const error = await client()
      .conversations.updateActivity('a:unknown', '123', message('x'))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 404, code: 'ActivityNotFoundInConversation' });
  });

  it('waits for an activity the bot has yet to send', async () => {
    const { id } = personalChat(tenantId);

    const waiting = open.waitForActivity((a) => a.conversationId === id, 2000);
    await client().conversations.sendToConversation(id, message('later'));

    expect((await waiting).body.text).toBe('later');
  });

  it('creates a 1:1 chat once per user, with its first message if given', async () => {
    const user = teamsUser('Carol');
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: { id: `28:${appId}`, name: 'Shipmate' },
      members: [{ id: user.id, name: '' }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
      activity: message('approval needed') as Activity,
    };

    const created = await client().conversations.createConversation(parameters);
    const again = await client().conversations.createConversation({
      ...parameters,
      activity: undefined,
    });

    expect(created.id).toMatch(/^a:1/);
    expect(again.id).toBe(created.id);
    expect(open.activities(created.id)).toEqual([
      expect.objectContaining({
        id: created.activityId,
        body: { type: 'message', text: 'approval needed' },
      }),
    ]);
    expect(open.conversations.at(-1)?.body).toMatchObject({ tenantId, isGroup: false });
  });

  it('refuses to create a conversation with 403 BotNotInConversationRoster when told', async () => {
    open.refuseConversations(true);
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: { id: `28:${appId}`, name: 'Shipmate' },
      members: [{ id: teamsUser('Dan').id, name: '' }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    };

    const refused = await client()
      .conversations.createConversation(parameters)
      .catch((e: unknown) => e);
    open.refuseConversations(false);
    const allowed = await client().conversations.createConversation(parameters);

    expect(refused).toMatchObject({ statusCode: 403, code: 'BotNotInConversationRoster' });
    expect(allowed.id).toMatch(/^a:1/);
  });

  it('pages through members and finds one by id or Entra object id', async () => {
    const { id } = groupChat(tenantId);
    const [alice, bob, carol] = ['Alice', 'Bob', 'Carol'].map(teamsUser);
    open.setMembers(id, [alice!, bob!, carol!]);

    const first = await client().conversations.getConversationPagedMembers(id, {
      pageSize: 2,
      // The typings make it required; the client leaves an undefined one out of the query.
      continuationToken: undefined as unknown as string,
    });
    const second = await client().conversations.getConversationPagedMembers(id, {
      pageSize: 2,
      continuationToken: first.continuationToken ?? '',
    });
    const all = await client().conversations.getConversationMembers(id);
    const byAad = await client().conversations.getConversationMember(id, carol!.aadObjectId);
    const missing = await client()
      .conversations.getConversationMember(id, '29:nobody')
      .catch((e: unknown) => e);

    expect(first.members.map((m) => m.name)).toEqual(['Alice', 'Bob']);
    expect(first.continuationToken).toEqual(expect.any(String));
    expect(second.members.map((m) => m.name)).toEqual(['Carol']);
    expect(second.continuationToken).toBeUndefined();
    expect(all).toHaveLength(3);
    expect(byAad).toMatchObject({ id: carol!.id, aadObjectId: carol!.aadObjectId });
    expect(missing).toMatchObject({ statusCode: 404, code: 'MemberNotFoundInConversation' });
  });

  it('answers 401 without an accepted bearer token and records the token seen', async () => {
    const { id } = personalChat(tenantId);
    const signed = new ConnectorClient(bearer(goodToken), { baseUri: guarded.serviceUrl });
    const wrong = new ConnectorClient(bearer('stolen'), { baseUri: guarded.serviceUrl });

    const anonymous = await client(guarded)
      .conversations.sendToConversation(id, message('x'))
      .catch((e: unknown) => e);
    const refused = await wrong.conversations
      .sendToConversation(id, message('x'))
      .catch((e: unknown) => e);
    const accepted = await signed.conversations.sendToConversation(id, message('x'));

    expect(anonymous).toMatchObject({ statusCode: 401 });
    expect(refused).toMatchObject({ statusCode: 401 });
    expect(accepted.id).toEqual(expect.any(String));
    expect(guarded.requests.map((r) => [r.status, r.token])).toEqual([
      [401, undefined],
      [401, 'stolen'],
      [201, goodToken],
    ]);
  });

  it('answers 400 BadSyntax to a body that is not JSON', async () => {
    const url = `${open.serviceUrl}v3/conversations/a:1/activities`;

    const response = await fetch(url, { method: 'POST', body: 'not json' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'BadSyntax', message: 'The body is not a JSON object.' },
    });
  });
});

describe('failNext, as the ConnectorClient pipeline sees it', () => {
  const send = () => client().conversations.sendToConversation('a:1retry', message('x'));
  const statuses = (since: number) => open.requests.slice(since).map((r) => r.status);

  it('throws a 412 at once: the client does not retry it', async () => {
    const since = open.requests.length;
    open.failNext({ status: 412, method: 'POST' });

    const { error, ms } = await timed(send);

    expect(error).toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    expect(statuses(since)).toEqual([412]);
    expect(ms).toBeLessThan(500);
  });

  it('retries a 429 once Retry-After has passed', async () => {
    const since = open.requests.length;
    open.failNext({ status: 429, retryAfterSeconds: 1 });

    const { error, ms } = await timed(send);

    expect(error).toBeUndefined();
    expect(statuses(since)).toEqual([429, 201]);
    expect(ms).toBeGreaterThanOrEqual(990);
  });

  it.each([502, 504])(
    'retries a %i after an exponential back-off of 0.5 to 1 s',
    async (status) => {
      const since = open.requests.length;
      open.failNext({ status });

      const { error, ms } = await timed(send);

      expect(error).toBeUndefined();
      expect(statuses(since)).toEqual([status, 201]);
      expect(ms).toBeGreaterThanOrEqual(490);
      expect(ms).toBeLessThan(2500);
    },
  );

  it('gives up after four attempts in all', async () => {
    const since = open.requests.length;
    open.failNext({ status: 429, retryAfterSeconds: 0, count: 4 });

    const { error } = await timed(send);

    expect(error).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect(statuses(since)).toEqual([429, 429, 429, 429]);
  });

  it('fails only requests of the method given', async () => {
    const since = open.requests.length;
    open.failNext({ status: 412, method: 'PUT' });

    const posted = await send();
    const update = await timed(() =>
      client().conversations.updateActivity('a:1retry', posted.id, message('y')),
    );

    expect(update.error).toMatchObject({ statusCode: 412 });
    expect(statuses(since)).toEqual([201, 412]);
  });
});
