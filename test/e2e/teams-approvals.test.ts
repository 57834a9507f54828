import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditEntry, type AuditEntry } from '../../src/registry/audit-entry.js';
import type { ConnectorActivity } from '../support/bot-connector-stub.js';
import { writePolicyFile } from '../support/policy-file.js';
import { startSlackApiStub, type SlackApiStub } from '../support/slack-api-stub.js';
import { blockActionsPayload } from '../support/slack-interactions.js';
import { sendInteraction, sendSlashCommand } from '../support/slack-request.js';
import { invokeActivity } from '../support/teams-activities.js';
import {
  channelThread,
  teamsUser,
  type TeamsConversation,
  type TeamsUser,
} from '../support/teams-conversations.js';
import {
  cardText,
  startTeamsProduct,
  textOfCard,
  type TeamsProduct,
} from '../support/teams-product.js';
import { waitFor } from '../support/wait-for.js';

const signingSecret = 'e2e-teams-approvals-0123456789abcdef';
const slackApprovals = 'C0APPROVALS';
const slackErin = 'U0ERIN';

interface InvokeAnswer {
  statusCode: number;
  type: string;
  value: { body?: unknown; actions?: Array<{ verb: string }>; refresh?: { userIds: string[] } };
}

describe('approvals in Teams, and across Teams and Slack', () => {
  let slack: SlackApiStub;
  let teams: TeamsProduct;
  let channel: TeamsConversation;
  /** Where key changes are approved; its id goes into the policy before the product starts. */
  const approvals = channelThread({ tenantId: 'set-once-started', channelName: 'approvals' });
  const alice = teamsUser('Alice');
  const bob = teamsUser('Bob');
  const carol = teamsUser('Carol');
  const dave = teamsUser('Dave');

  const say = async (text: string, user = alice) => {
    expect((await teams.say(text, user, channel)).status).toBe(200);
  };
  const cardWith = (text: string): Promise<ConnectorActivity> =>
    waitFor(() => teams.connector.activities(channel.id).find((a) => cardText(a).includes(text)), {
      what: `a card saying "${text}"`,
      timeoutMs: 30_000,
    });
  const press = async (
    user: TeamsUser,
    card: ConnectorActivity,
    verb: string,
    conversation = channel,
  ) => {
    const started = Date.now();
    const answer = await teams.send(
      invokeActivity({
        verb: `shipmate.${verb}`,
        data: { jobId: jobOf(cardText(card)) },
        user,
        conversation,
        serviceUrl: teams.connector.serviceUrl,
        appId: teams.appId,
        replyToId: card.id,
        trigger: verb === 'refresh' ? 'automatic' : 'manual',
      }),
    );
    expect(answer.status).toBe(200);
    // Teams gives up on an invoke after 5 s.
    expect(Date.now() - started).toBeLessThan(5_000);
    const body = answer.body as InvokeAnswer;
    expect(body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
    });
    return { text: textOfCard(body.value), card: body.value };
  };
  const audit = async (): Promise<AuditEntry[]> => {
    const client = new Redis(teams.redis.url);
    const rows = await client.xrange('shipmate:audit', '-', '+');
    await client.quit();
    return rows.map(([, fields]) => auditEntry.parse(JSON.parse(fields[1] ?? '{}')));
  };
  const deploy = async (name: string) => {
    await say(`deploy diabetes:1 --name ${name}`);
    const card = await cardWith(`as ${name}`);
    await waitFor(() => cardText(card).includes(`as ${name} — succeeded`), {
      what: `${name} to deploy`,
      timeoutMs: 30_000,
    });
  };

  beforeAll(async () => {
    slack = await startSlackApiStub();
    const policy = [
      'groups:',
      `  approvers: [${bob.aadObjectId}, ${carol.aadObjectId}, ${slackErin}]`,
      'rules:',
      '  - name: deletes need an approver',
      '    commands: [service.delete]',
      '    approval:',
      '      approvers: 1',
      '      from: [group:approvers]',
      `      channels: ["slack:${slackApprovals}"]`,
      '  - name: key changes are approved in the Teams approvals channel',
      '    commands: [keys.regen]',
      '    approval:',
      '      approvers: 1',
      '      from: [group:approvers]',
      `      channels: ["teams:${approvals.channel?.id ?? ''}"]`,
    ].join('\n');
    teams = await startTeamsProduct({
      SHIPMATE_POLICY: await writePolicyFile(policy),
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      SHIPMATE_STATUS_PACE_MS: '200',
    });
    channel = channelThread({ tenantId: teams.tenantId });
    // Its id had to be in the policy before the product (and its tenant) existed.
    approvals.tenantId = teams.tenantId;
    for (const where of [channel, approvals]) {
      teams.connector.setMembers(
        where.channel?.id ?? where.id,
        [alice, bob, carol, dave].map((u) => ({ ...u, tenantId: teams.tenantId })),
      );
    }
    await Promise.all([deploy('svc-one'), deploy('svc-two'), deploy('svc-three')]);
  }, 90_000);

  afterAll(async () => {
    await teams?.stop();
    await slack?.close();
  });

  it('shows Approve/Reject only to approvers, re-checks every press, and runs once', async () => {
    await say('service delete svc-one');
    const card = await cardWith('delete service svc-one — awaiting approval');
    const posted = card.versions[0]?.attachments as Array<{ content: InvokeAnswer['value'] }>;
    const shared = posted[0]?.content;
    // Everyone sees the status; the approvers (and the requester, to withdraw) get their own view.
    expect(shared?.actions).toBeUndefined();
    expect(new Set(shared?.refresh?.userIds)).toEqual(new Set([alice.id, bob.id, carol.id]));

    const stranger = await press(dave, card, 'refresh');
    expect(stranger.card.actions).toBeUndefined();
    expect((await press(dave, card, 'approve')).text).toMatch(
      /Not allowed: the policy rule "deletes need an approver" does not let you approve/,
    );
    expect((await press(alice, card, 'approve')).text).toContain('someone else must approve it');
    expect((await press(alice, card, 'refresh')).card.actions?.map((a) => a.verb)).toEqual([
      'shipmate.reject',
    ]);

    const approver = await press(bob, card, 'refresh');
    expect(approver.card.actions?.map((a) => a.verb)).toEqual([
      'shipmate.approve',
      'shipmate.reject',
    ]);
    const approved = await press(bob, card, 'approve');
    expect(approved.text).toContain(`Approved: job ${jobOf(cardText(card))} is queued.`);
    expect(approved.card.actions).toBeUndefined();

    await waitFor(() => cardText(card).includes('delete service svc-one — succeeded'), {
      what: 'the delete to succeed',
      timeoutMs: 30_000,
    });
    expect(cardText(card)).toContain('Approved by Bob');
    const final = (card.body.attachments as Array<{ content: InvokeAnswer['value'] }>)[0];
    expect(final?.content.refresh).toBeUndefined();
    expect((await press(carol, card, 'approve')).text).toContain('already approved');

    const entries = (await audit()).filter((e) => e.jobId === jobOf(cardText(card)));
    expect(entries.find((e) => e.action === 'approval requested')?.actor).toMatchObject({
      platform: 'teams',
      userId: alice.aadObjectId,
    });
    expect(entries.filter((e) => e.action === 'approved').map((e) => e.actor)).toEqual([
      { platform: 'teams', userId: bob.aadObjectId, userName: 'Bob' },
    ]);
    expect(entries.filter((e) => e.action === 'refused').map((e) => e.actor.userId)).toEqual([
      dave.aadObjectId,
      alice.aadObjectId,
      carol.aadObjectId,
    ]);
    expect(entries.filter((e) => e.action === 'succeeded')).toHaveLength(1);
  });

  it('runs once when Slack and Teams approve at the same moment; both cards say who', async () => {
    await say('service delete svc-two');
    const card = await cardWith('delete service svc-two — awaiting approval');
    const jobId = jobOf(cardText(card));
    // The policy also posts the request to the Slack approvals channel, with its buttons.
    const message = await waitFor(
      () =>
        [...slack.messages.values()].find(
          (m) => m.channel === slackApprovals && m.text?.includes(`job ${jobId}`),
        ),
      { what: 'the request in Slack' },
    );
    expect(message.text).toContain('awaiting approval');

    const slackPress = sendInteraction(
      teams.product.ingressUrl,
      signingSecret,
      blockActionsPayload({
        userId: slackErin,
        userName: 'erin',
        channelId: slackApprovals,
        teamId: 'T0SHIP',
        messageTs: message.ts,
        actionId: 'shipmate_approve',
        value: jobId,
        responseUrl: slack.responseUrl('erin-approves'),
      }),
    );
    const [slackAck, teamsAnswer] = await Promise.all([slackPress, press(carol, card, 'approve')]);
    expect(slackAck.status).toBe(200);
    const slackAnswer = await waitFor(() => slack.responses.find((r) => r.id === 'erin-approves'), {
      what: "Slack's answer to erin",
    });
    const answers = [(slackAnswer.body as { text: string }).text, teamsAnswer.text];
    expect(answers.filter((a) => a.includes(`Approved: job ${jobId} is queued.`))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('was already approved'))).toHaveLength(1);

    await waitFor(
      () =>
        cardText(card).includes('svc-two — succeeded') &&
        message.text?.includes('svc-two — succeeded') === true,
      { what: 'both copies to show the delete succeeded', timeoutMs: 30_000 },
    );
    const decider = /Approved by (\w+)/.exec(cardText(card))?.[1];
    expect(['carol', 'Carol', 'erin']).toContain(decider);
    expect(message.text).toContain(`Approved by ${decider}`);

    const entries = (await audit()).filter((e) => e.jobId === jobId);
    expect(entries.filter((e) => e.action === 'approved')).toHaveLength(1);
    expect(entries.filter((e) => e.action === 'succeeded')).toHaveLength(1);
    expect(entries.filter((e) => e.action === 'approved')[0]?.actor.platform).toMatch(
      /^(slack|teams)$/,
    );
  });

  it('posts a request asked in Slack to the Teams approvals channel, approved there', async () => {
    const where = { ...approvals, id: approvals.channel?.id ?? approvals.id };
    // Someone mentions the bot in a thread of the channel once: from then on it knows the
    // channel, and can start a new post there.
    expect((await teams.say('help', bob, approvals)).status).toBe(200);
    await waitFor(() => teams.connector.activities(approvals.id).length > 0, {
      what: 'the help reply in the thread',
    });

    const ack = await sendSlashCommand(teams.product.ingressUrl, signingSecret, {
      text: 'keys regen svc-three --key primary',
      userId: 'U0SAM',
      userName: 'sam',
      channelId: 'C0DEPLOYS',
      teamId: 'T0SHIP',
      responseUrl: slack.responseUrl('sam-regen'),
    });
    expect(ack.status).toBe(200);
    const message = await waitFor(
      () =>
        [...slack.messages.values()].find(
          (m) => m.channel === 'C0DEPLOYS' && m.text?.includes('primary key of svc-three'),
        ),
      { what: 'the status message in Slack' },
    );
    const card = await waitFor(
      () =>
        teams.connector
          .activities(where.id)
          .find((a) => cardText(a).includes('primary key of svc-three — awaiting approval')),
      { what: 'the request in the Teams approvals channel' },
    );
    const shared = (card.body.attachments as Array<{ content: InvokeAnswer['value'] }>)[0];
    expect(new Set(shared?.content.refresh?.userIds)).toEqual(new Set([bob.id, carol.id]));

    const approved = await press(bob, card, 'approve', where);
    expect(approved.text).toContain('Approved: job');
    await waitFor(
      () =>
        cardText(card).includes('svc-three — succeeded') &&
        message.text?.includes('svc-three — succeeded') === true,
      { what: 'both copies to show the regeneration succeeded', timeoutMs: 30_000 },
    );
    expect(cardText(card)).toContain('Approved by Bob');
    expect(message.text).toContain('Approved by Bob');
    // The new key went to Sam alone, in Slack; the Teams channel never saw one.
    expect(JSON.stringify(teams.connector.activities(where.id))).not.toMatch(/primary: `/);

    // Asked in a thread of the approvals channel itself, the request gets one card, not two.
    expect((await teams.say('keys regen svc-three --key secondary', bob, approvals)).status).toBe(
      200,
    );
    await waitFor(
      () =>
        teams.connector
          .activities(approvals.id)
          .find((a) => cardText(a).includes('secondary key of svc-three — awaiting approval')),
      { what: 'the request in its thread' },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      teams.connector
        .activities(where.id)
        .filter((a) => cardText(a).includes('secondary key of svc-three')),
    ).toEqual([]);
  });
});

function jobOf(text: string): string {
  const id = /job ([a-z0-9]+)/.exec(text)?.[1];
  if (id === undefined) throw new Error(`no job id in ${text}`);
  return id;
}
