import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditEntry } from '../../src/registry/audit-entry.js';
import { writePolicyFile } from '../support/policy-file.js';
import type { Product } from '../support/product.js';
import type { RedisServer } from '../support/redis-server.js';
import type { SlackApiStub, SlackStubMessage } from '../support/slack-api-stub.js';
import { blockActionsPayload } from '../support/slack-interactions.js';
import { startSlackProduct } from '../support/slack-product.js';
import { sendInteraction, sendSlashCommand } from '../support/slack-request.js';
import { waitFor } from '../support/wait-for.js';

const signingSecret = 'e2e-approvals-secret-0123456789abcdef';
const channelId = 'C0APPROVE';
const teamId = 'T0SHIP';
const users = {
  alice: 'U0ALICE',
  bob: 'U0BOB',
  carol: 'U0CAROL',
  eve: 'U0EVE',
} as const;
type UserName = keyof typeof users;

const policy = `
# Approvers are a group; Eve is in none of it.
groups:
  approvers: [U0BOB, U0CAROL]
rules:
  - name: short requests for tests
    commands: [service.delete]
    services: ["short-*"]
    approval: { approvers: 1, from: [group:approvers], expires: 3s }
  - name: only alice deletes locked services
    commands: [service.delete]
    services: ["locked-*"]
    allow: [U0ALICE]
  - name: deletes need an approver
    commands: [service.delete]
    approval: { approvers: 1, from: [group:approvers] }
`;

describe('approvals in Slack', () => {
  let redis: RedisServer;
  let slack: SlackApiStub;
  let product: Product;
  let sent = 0;
  const keysSeen: string[] = [];

  const command = async (user: UserName, text: string) => {
    sent += 1;
    const responseId = `cmd-${sent}`;
    const ack = await sendSlashCommand(product.ingressUrl, signingSecret, {
      text,
      userId: users[user],
      userName: user,
      channelId,
      teamId,
      responseUrl: slack.responseUrl(responseId),
      triggerId: `trigger-${sent}`,
    });
    expect(ack.status).toBe(200);
    return responseId;
  };
  const reply = async (responseId: string): Promise<string> => {
    const found = await waitFor(() => slack.responses.find((r) => r.id === responseId), {
      what: `the reply ${responseId}`,
    });
    expect((found.body as { response_type?: string }).response_type).toBe('ephemeral');
    return (found.body as { text?: string }).text ?? '';
  };
  const press = async (user: UserName, message: SlackStubMessage, action: string) => {
    sent += 1;
    const responseId = `press-${sent}`;
    const jobId = jobOf(message);
    const ack = await sendInteraction(
      product.ingressUrl,
      signingSecret,
      blockActionsPayload({
        userId: users[user],
        userName: user,
        channelId,
        teamId,
        messageTs: message.ts,
        actionId: `shipmate_${action}`,
        value: jobId,
        responseUrl: slack.responseUrl(responseId),
      }),
    );
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3_000);
    return responseId;
  };
  const statusOf = (text: string) =>
    waitFor(() => [...slack.messages.values()].find((m) => m.text?.includes(text)), {
      what: `a status message with "${text}"`,
      timeoutMs: 30_000,
    });
  const deploy = async (name: string) => {
    await command('alice', `deploy diabetes:1 --name ${name}`);
    await statusOf(`as ${name} — succeeded`);
  };

  beforeAll(async () => {
    ({ redis, slack, product } = await startSlackProduct(signingSecret, {
      SHIPMATE_POLICY: await writePolicyFile(policy),
      SHIPMATE_STATUS_PACE_MS: '200',
    }));
    await Promise.all(['svc-one', 'svc-two', 'short-one'].map(deploy));
    const keys = await reply(await command('alice', 'keys show svc-one'));
    keysSeen.push(...[...keys.matchAll(/`([A-Za-z0-9_-]{32,})`/g)].map((m) => m[1] ?? ''));
    expect(keysSeen).toHaveLength(2);
  }, 60_000);

  afterAll(async () => {
    await product?.stop();
    await slack?.close();
    await redis?.stop();
  });

  it('runs a delete once a second user approves; the requester and strangers cannot', async () => {
    await command('alice', 'service delete svc-one');
    const message = await statusOf('delete service svc-one — awaiting approval');
    expect(message.text).toContain('asked by alice');
    expect(message.text).toMatch(/service: svc-one on local \(ready\) → deleted/);
    expect(message.text).toContain('versions: diabetes-1 (diabetes:1) 100 % → none');
    expect(buttonsOf(message)).toEqual(['shipmate_approve', 'shipmate_reject']);

    expect(await reply(await press('alice', message, 'approve'))).toContain(
      'someone else must approve it',
    );
    expect(await reply(await press('eve', message, 'approve'))).toMatch(
      /Not allowed: the policy rule "deletes need an approver" does not let you approve/,
    );
    expect(await reply(await press('eve', message, 'reject'))).toMatch(/Not allowed/);
    const forged = await sendInteraction(
      product.ingressUrl,
      'a-different-secret',
      blockActionsPayload({
        userId: users.bob,
        userName: 'bob',
        channelId,
        teamId,
        messageTs: message.ts,
        actionId: 'shipmate_approve',
        value: jobOf(message),
        responseUrl: slack.responseUrl('forged'),
      }),
    );
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(message.text).toContain('awaiting approval');
    expect(slack.responses.filter((r) => r.id === 'forged')).toEqual([]);

    expect(await reply(await press('bob', message, 'approve'))).toContain(
      `Approved: job ${jobOf(message)} is queued.`,
    );
    await waitFor(() => message.text?.includes('delete service svc-one — succeeded'), {
      what: 'the delete to succeed',
      timeoutMs: 30_000,
    });
    expect(message.text).toContain('Approved by bob');
    expect(buttonsOf(message)).toEqual([]);
    expect(
      slack
        .callsTo('chat.postMessage')
        .filter((c) => JSON.stringify(c.args).includes(jobOf(message))),
    ).toHaveLength(1);

    expect(await reply(await press('carol', message, 'approve'))).toContain('already approved');
    expect(await reply(await command('alice', 'service list'))).not.toContain('svc-one');
  });

  it('runs once when approvers double-click and click at the same moment', async () => {
    await command('alice', 'service delete svc-two');
    const message = await statusOf('delete service svc-two — awaiting approval');

    const presses = await Promise.all([
      press('bob', message, 'approve'),
      press('bob', message, 'approve'),
      press('carol', message, 'approve'),
      press('carol', message, 'approve'),
    ]);
    const answers = await Promise.all(presses.map(reply));

    expect(answers.filter((a) => a.startsWith('Approved:'))).toHaveLength(1);
    await waitFor(() => message.text?.includes('delete service svc-two — succeeded'), {
      what: 'the delete to succeed',
      timeoutMs: 30_000,
    });
    const audit = await reply(await command('alice', 'audit --service svc-two'));
    // One approval and one outcome of the delete; the deploy before it was queued at once.
    expect(audit.match(/\*approved\*/g)).toHaveLength(1);
    expect(audit.match(/\*succeeded\*[^\n]*service delete svc-two/g)).toHaveLength(1);
    expect(audit.match(/\*queued\*[^\n]*deploy diabetes:1 --name svc-two/g)).toHaveLength(1);
  });

  it('cancels a request nobody decides in time, and its buttons stop working', async () => {
    await command('alice', 'service delete short-one');
    const message = await statusOf('delete service short-one — awaiting approval');

    await waitFor(() => message.text?.includes('delete service short-one — cancelled'), {
      what: 'the request to expire',
      timeoutMs: 15_000,
    });
    expect(message.text).toContain('nobody approved it in time');
    expect(buttonsOf(message)).toEqual([]);
    expect(await reply(await press('bob', message, 'approve'))).toContain('expired');
    expect(await reply(await command('alice', 'service list'))).toContain('short-one');
  });

  it('refuses a command policy forbids, naming the rule, and queues nothing', async () => {
    const posted = slack.callsTo('chat.postMessage').length;
    const refusal = await reply(await command('eve', 'service delete locked-one'));
    expect(refusal).toContain('Not allowed: the policy rule "only alice deletes locked services"');
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(posted);
  });

  it('keeps the whole story in the audit log, with no secret in it', async () => {
    const client = new Redis(redis.url);
    const rows = await client.xrange('shipmate:audit', '-', '+');
    await client.quit();
    const entries = rows.map(([, fields]) => auditEntry.parse(JSON.parse(fields[1] ?? '{}')));
    const story = entries.map((e) => `${e.action} ${e.service ?? ''} ${e.actor.userName}`);

    expect(story).toEqual(
      expect.arrayContaining([
        'queued svc-one alice',
        'succeeded svc-one shipmate',
        'approval requested svc-one alice',
        'refused svc-one eve',
        'approved svc-one bob',
        'approval requested short-one alice',
        'expired short-one shipmate',
        'refused locked-one eve',
      ]),
    );
    for (const entry of entries) {
      expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(entry.where).toBeTruthy();
    }
    const approved = entries.find(
      (e) => e.action === 'approval requested' && e.service === 'svc-one',
    );
    expect(approved?.before).toContain('service: svc-one on local (ready)');
    expect(approved?.after).toContain('service: deleted');

    const everything = JSON.stringify(rows);
    for (const secret of [...keysSeen, signingSecret, slack.token]) {
      expect(everything).not.toContain(secret);
    }
  });
});

function jobOf(message: SlackStubMessage): string {
  const id = /job ([a-z0-9]+)/.exec(message.text ?? '')?.[1];
  if (id === undefined) throw new Error(`no job id in ${message.text}`);
  return id;
}

function buttonsOf(message: SlackStubMessage): string[] {
  const blocks = (message.blocks ?? []) as Array<{
    type: string;
    elements?: Array<{ action_id: string }>;
  }>;
  return blocks.flatMap((b) =>
    b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id) : [],
  );
}
