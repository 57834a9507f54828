import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConnectorActivity } from '../support/bot-connector-stub.js';
import { keyChangesWithoutApproval, writePolicyFile } from '../support/policy-file.js';
import {
  channelThread,
  personalChat,
  teamsUser,
  type TeamsConversation,
  type TeamsUser,
} from '../support/teams-conversations.js';
import { cardText, startTeamsProduct, type TeamsProduct } from '../support/teams-product.js';
import { waitFor } from '../support/wait-for.js';
import { diabetesRows, keysOf, score } from './e2e-support.js';

describe('keys and tokens in Teams', () => {
  let teams: TeamsProduct;
  let channel: TeamsConversation;
  const alice = teamsUser('Alice');
  const bob = teamsUser('Bob');
  const keysSeen = new Set<string>();
  /** Personal chats the tests opened themselves, beside those the bot created. */
  const directChats = new Set<string>();

  const say = async (text: string, user: TeamsUser = alice, conversation = channel) => {
    expect((await teams.say(text, user, conversation)).status).toBe(200);
  };
  const seen = () => teams.connector.activities().length;
  /** The first activity after `after` in the conversation that says `text`. */
  const said = (conversationId: string, text: string, after = 0): Promise<ConnectorActivity> =>
    waitFor(
      () =>
        teams.connector
          .activities()
          .slice(after)
          .find((a) => a.conversationId === conversationId && cardText(a).includes(text)),
      { what: `"${text}" in ${conversationId}`, timeoutMs: 30_000 },
    );
  const personalOf = (user: TeamsUser) =>
    teams.connector.conversations.filter((c) => JSON.stringify(c.body.members).includes(user.id));
  /** Every key seen must appear nowhere but in personal chats, nor in the product's output. */
  const expectKeysOnlyInPersonalChats = () => {
    const personal = new Set([...teams.connector.conversations.map((c) => c.id), ...directChats]);
    for (const activity of teams.connector.activities()) {
      if (personal.has(activity.conversationId)) continue;
      const everything = JSON.stringify(activity.versions);
      for (const key of keysSeen) expect(everything).not.toContain(key);
    }
    for (const key of keysSeen) expect(teams.product.output()).not.toContain(key);
  };

  beforeAll(async () => {
    teams = await startTeamsProduct({
      SHIPMATE_POLICY: await writePolicyFile(keyChangesWithoutApproval),
    });
    channel = channelThread({ tenantId: teams.tenantId });
    await say('deploy diabetes:1 --name diabetes');
    const card = await said(channel.id, 'as diabetes');
    await waitFor(() => cardText(card).includes('succeeded'), {
      what: 'the deploy',
      timeoutMs: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await teams?.stop();
  });

  it('sends keys asked for in a channel only to the asker’s personal chat', async () => {
    const before = seen();
    await say('keys show diabetes');

    const notice = await said(channel.id, 'Sent to you in your personal chat', before);
    expect(cardText(notice)).not.toMatch(/`[A-Za-z0-9_-]{32,}`/);
    const [chat] = personalOf(alice);
    expect(chat?.body).toMatchObject({ isGroup: false, members: [{ id: alice.id }] });
    const delivered = await said(chat?.id ?? '', 'primary', before);
    const keys = keysOf(cardText(delivered));
    keysSeen.add(keys.primary).add(keys.secondary);
    expect(delivered.body.summary).not.toContain(keys.primary);

    // They are the service's real keys.
    expect(
      (await score(teams.product, 'diabetes', { data: diabetesRows }, { key: keys.secondary }))
        .status,
    ).toBe(200);
    expectKeysOnlyInPersonalChats();
  });

  it('answers in place when asked in the personal chat itself', async () => {
    const direct = personalChat(teams.tenantId);
    directChats.add(direct.id);
    const opened = teams.connector.conversations.length;
    const before = seen();
    await say('keys show diabetes', alice, direct);

    const reply = await said(direct.id, 'primary', before);
    expect(keysOf(cardText(reply))).toMatchObject({ primary: [...keysSeen][0] });
    expect(teams.connector.conversations).toHaveLength(opened);
    expectKeysOnlyInPersonalChats();
  });

  it('hands a new key to the asker privately; the channel card never holds it', async () => {
    const before = seen();
    await say('keys regen diabetes --key primary');
    const card = await said(channel.id, 'regenerate the primary key of diabetes', before);
    await waitFor(() => cardText(card).includes('succeeded'), {
      what: 'the regeneration',
      timeoutMs: 30_000,
    });

    // Alice's newest personal chat with the bot is the one she wrote in last.
    const handed = await said([...directChats][0] ?? '', 'New primary key for diabetes', before);
    const key = /primary: `([^`]+)`/.exec(cardText(handed))?.[1] ?? '';
    expect(key).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(keysSeen.has(key)).toBe(false);
    keysSeen.add(key);
    expect((await score(teams.product, 'diabetes', { data: diabetesRows }, { key })).status).toBe(
      200,
    );
    expectKeysOnlyInPersonalChats();
  });

  it('sends the audit log to the asker’s personal chat, not the channel', async () => {
    const before = seen();
    await say('audit --service diabetes');

    await said(channel.id, 'Sent to you in your personal chat', before);
    const entries = await said([...directChats][0] ?? '', 'keys regen diabetes', before);
    expect(entries.body.summary).toBe('Audit log entries from Shipmate (only in this chat)');
    const inChannel = teams.connector.activities(channel.id).slice(before);
    expect(JSON.stringify(inChannel)).not.toContain(alice.aadObjectId);
  });

  it('says how to open a personal chat, showing no key, when Teams opens none', async () => {
    teams.connector.refuseConversations(true);
    const before = seen();
    await say('keys show diabetes', bob);

    const answer = await said(channel.id, 'could not open one', before);
    expect(cardText(answer)).toContain('start a new chat with Shipmate');
    expect(cardText(answer)).toContain('Nothing secret was shown');
    expect(personalOf(bob)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectKeysOnlyInPersonalChats();
    teams.connector.refuseConversations(false);
  });
});
