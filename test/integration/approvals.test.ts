import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { ApprovalDeps } from '../../src/approvals/approval-deps.js';
import { ApprovalDecisions, type DecisionMaker } from '../../src/approvals/approval-decisions.js';
import { ApprovalGate } from '../../src/approvals/approval-gate.js';
import { ApprovalStore } from '../../src/approvals/approval-store.js';
import { ApprovalSweeper } from '../../src/approvals/approval-sweeper.js';
import { viewWithApproval } from '../../src/approvals/approval-view.js';
import { parsePolicy } from '../../src/approvals/load-policy.js';
import { Policy } from '../../src/approvals/policy.js';
import { createLogger } from '../../src/platform/logger.js';
import { SecretRegistry } from '../../src/platform/secret-registry.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import type { JobData } from '../../src/queue/job-schemas.js';
import { AuditLog } from '../../src/registry/audit-log.js';
import { ServiceStore } from '../../src/registry/service-store.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { versionSpec } from '../support/version-spec.js';

const version = versionSpec('diabetes-1', { isDefault: true });

const alice: DecisionMaker = {
  platform: 'slack',
  userId: 'U0ALICE',
  userName: 'alice',
  channelId: 'C1',
};
const bob: DecisionMaker = { platform: 'slack', userId: 'U0BOB', userName: 'bob', channelId: 'C1' };
const carol: DecisionMaker = { ...bob, userId: 'U0CAROL', userName: 'carol' };

let requests = 0;
function job(kind: 'deploy' | 'service.delete', service = 'diabetes'): JobData {
  requests += 1;
  const origin = {
    platform: 'slack' as const,
    userId: 'U0ALICE',
    userName: 'alice',
    channelId: 'C1',
    requestId: `request-${requests}`,
    text: `${kind} ${service}`,
  };
  return kind === 'deploy'
    ? { kind, origin, service, target: 'local', auth: 'key', version }
    : { kind, origin, service };
}

describe('approvals on a real Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  let other: Redis;
  let queue: Queue;
  let clock = Date.now();
  const secrets = new SecretRegistry();
  const logger = createLogger({ level: 'silent', secrets });

  const depsOn = (connection: Redis, policy = new Policy()): ApprovalDeps => ({
    policy,
    store: new ApprovalStore(connection),
    producer: new JobProducer({ queue, redis: connection }),
    services: new ServiceStore(connection),
    audit: new AuditLog({ redis: connection, secrets, logger }),
    announce: () => Promise.resolve(),
    logger,
    clock: () => clock,
  });
  const auditActions = async () =>
    (await new AuditLog({ redis, secrets, logger }).latest({ limit: 100 }))
      .reverse()
      .map((e) => `${e.action} ${e.actor.userName}`);

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    other = new Redis(server.url);
    queue = new Queue('jobs', {
      connection: new Redis(server.url, { maxRetriesPerRequest: null }),
    });
  });
  afterAll(async () => {
    await queue.close();
    await redis.quit();
    await other.quit();
    await server.stop();
  });
  beforeEach(async () => {
    clock = Date.now();
    await redis.flushdb();
    await new ServiceStore(redis).claim({
      name: 'diabetes',
      target: 'local',
      auth: 'key',
      versions: [version],
      state: 'ready',
      createdBy: 'alice',
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      jobId: 'earlier',
    });
  });

  it('queues a local deploy at once and audits it with before → after', async () => {
    const id = await new ApprovalGate(depsOn(redis)).enqueue(job('deploy', 'fresh'));

    expect(await Job.fromId(queue, id)).toBeDefined();
    const [entry] = await new AuditLog({ redis, secrets, logger }).latest({ limit: 1 });
    expect(entry).toMatchObject({ action: 'queued', jobId: id, service: 'fresh' });
    expect(entry?.before).toContain('service: none');
    expect(entry?.after).toContain('service: fresh on local');
  });

  it('queues and audits a repeated delivery of one request once', async () => {
    const data = job('deploy', 'twice');
    const gate = new ApprovalGate(depsOn(redis));

    const ids = [await gate.enqueue(data), await gate.enqueue(data)];

    expect(ids[0]).toBe(ids[1]);
    expect(await auditActions()).toEqual(['queued alice']);
  });

  it('holds a delete for approval, refuses self-approval, and runs it once approved', async () => {
    const deps = depsOn(redis);
    const id = await new ApprovalGate(deps).enqueue(job('service.delete'));
    expect(await Job.fromId(queue, id)).toBeUndefined();
    const waiting = await viewWithApproval(queue, deps.store, id);
    expect(waiting?.state).toBe('awaiting approval');
    expect(waiting?.approval?.change).toContain('service: diabetes on local (ready) → deleted');

    const decisions = new ApprovalDecisions(deps);
    await expect(decisions.approve(id, alice)).rejects.toMatchObject({ code: 'self_approval' });
    expect(await Job.fromId(queue, id)).toBeUndefined();

    const approved = await decisions.approve(id, bob);
    expect(approved).toMatchObject({ queued: true });
    expect((await Job.fromId(queue, id))?.data).toMatchObject({ kind: 'service.delete' });
    const after = await viewWithApproval(queue, deps.store, id);
    expect(after?.approval).toMatchObject({ approvedBy: ['bob'], open: false });
    expect(await auditActions()).toEqual([
      'approval requested alice',
      'refused alice',
      'approved bob',
    ]);
  });

  it('refuses to approve a change to a service that was deleted and made anew since', async () => {
    const deps = depsOn(redis);
    const id = await new ApprovalGate(deps).enqueue(job('service.delete'));
    const services = new ServiceStore(redis);
    const old = await services.get('diabetes');
    if (old === undefined) throw new Error('no service');
    await services.delete('diabetes');
    const later = new Date(Date.now() + 1_000).toISOString();
    await services.claim({ ...old, createdAt: later, jobId: 'made-anew' });

    await expect(new ApprovalDecisions(deps).approve(id, bob)).rejects.toMatchObject({
      code: 'service_recreated',
    });
    expect(await Job.fromId(queue, id)).toBeUndefined();
    expect(await auditActions()).toEqual(['approval requested alice', 'refused bob']);
  });

  it('counts a second click by the same approver once', async () => {
    const policy = parsePolicy(
      'rules:\n  - {name: two, commands: [service.delete], approval: {approvers: 2}}\n',
      'p.yaml',
    );
    const deps = depsOn(redis, policy);
    const id = await new ApprovalGate(deps).enqueue(job('service.delete'));
    const decisions = new ApprovalDecisions(deps);

    await decisions.approve(id, bob);
    expect(await decisions.approve(id, bob)).toMatchObject({ queued: false });
    expect(await Job.fromId(queue, id)).toBeUndefined();
    expect(await decisions.approve(id, carol)).toMatchObject({ queued: true });
  });

  it('counts one person once across platforms: no self-approval, no second vote', async () => {
    const aliceInTeams: DecisionMaker = {
      platform: 'teams',
      userId: '6d2719ef-b7e2-488c-a309-01b2c122cd2e',
      userName: 'Alice',
      channelId: '19:abc@thread.tacv2',
    };
    const bobInTeams: DecisionMaker = {
      ...aliceInTeams,
      userId: '0b0b0b0b-b7e2-488c-a309-01b2c122cd2e',
      userName: 'Bob',
    };
    const policy = parsePolicy(
      [
        'people:',
        // Pasted in upper case: AAD object ids are compared without case.
        '  alice: [U0ALICE, 6D2719EF-B7E2-488C-A309-01B2C122CD2E]',
        `  bob: [U0BOB, ${bobInTeams.userId}]`,
        'rules:',
        '  - name: two approvals',
        '    commands: [service.delete]',
        '    approval: { approvers: 2, from: [U0BOB, U0CAROL, U0ALICE] }',
      ].join('\n'),
      'p.yaml',
    );
    const deps = depsOn(redis, policy);
    const id = await new ApprovalGate(deps).enqueue(job('service.delete'));
    const decisions = new ApprovalDecisions(deps);

    // Alice asked in Slack; from Teams she is still the requester.
    await expect(decisions.approve(id, aliceInTeams)).rejects.toMatchObject({
      code: 'self_approval',
    });
    // Bob may approve from Teams (the rule names his Slack id), but only once in all.
    expect(await decisions.approve(id, bobInTeams)).toMatchObject({ queued: false });
    const again = await Promise.allSettled([
      decisions.approve(id, bob),
      decisions.approve(id, bob),
    ]);
    expect(again.every((o) => o.status === 'fulfilled' && !o.value.queued)).toBe(true);
    expect(await Job.fromId(queue, id)).toBeUndefined();
    expect(await decisions.approve(id, carol)).toMatchObject({ queued: true });
    // The test's clock stands still, so both votes carry one time: compare without order.
    expect((await deps.store.get(id))?.approvedBy.map((d) => d.userId).sort()).toEqual([
      'U0CAROL',
      'person:bob',
    ]);
  });

  it('runs once when two approvers click at the same moment from two processes', async () => {
    const id = await new ApprovalGate(depsOn(redis)).enqueue(job('service.delete'));
    const first = new ApprovalDecisions(depsOn(redis));
    const second = new ApprovalDecisions(depsOn(other));

    const outcomes = await Promise.allSettled([first.approve(id, bob), second.approve(id, carol)]);

    const queued = outcomes.filter((o) => o.status === 'fulfilled' && o.value.queued);
    expect(queued).toHaveLength(1);
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    expect((await auditActions()).filter((a) => a.startsWith('approved'))).toHaveLength(1);
  });

  it('cancels an expired request with nobody clicking, and refuses a late approval', async () => {
    const deps = depsOn(redis);
    const id = await new ApprovalGate(deps).enqueue(job('service.delete'));

    clock += 25 * 3_600_000;
    await new ApprovalSweeper({ deps }).sweep();

    expect((await viewWithApproval(queue, deps.store, id))?.state).toBe('cancelled');
    await expect(new ApprovalDecisions(deps).approve(id, bob)).rejects.toMatchObject({
      code: 'approval_closed',
    });
    expect(await Job.fromId(queue, id)).toBeUndefined();
    expect(await auditActions()).toEqual([
      'approval requested alice',
      'expired shipmate',
      'refused bob',
    ]);
  });

  it('refuses an approver the policy does not name, and changes nothing', async () => {
    const policy = parsePolicy(
      'rules:\n  - {name: carol only, commands: [service.delete], approval: {approvers: 1, from: [U0CAROL]}}\n',
      'p.yaml',
    );
    const deps = depsOn(redis, policy);
    const id = await new ApprovalGate(deps).enqueue(job('service.delete'));

    await expect(new ApprovalDecisions(deps).approve(id, bob)).rejects.toMatchObject({
      code: 'approver_not_allowed',
    });
    expect((await deps.store.get(id))?.approvedBy).toEqual([]);
    expect(await new ApprovalDecisions(deps).approve(id, carol)).toMatchObject({ queued: true });
  });

  it('rejects with a reason, and the job never runs', async () => {
    const deps = depsOn(redis);
    const id = await new ApprovalGate(deps).enqueue(job('service.delete'));
    await new ApprovalDecisions(deps).reject(id, bob, 'not during the demo');

    const view = await viewWithApproval(queue, deps.store, id);
    expect(view).toMatchObject({ state: 'rejected' });
    expect(view?.approval).toMatchObject({ rejectedBy: 'bob', reason: 'not during the demo' });
    await expect(new ApprovalDecisions(deps).approve(id, carol)).rejects.toMatchObject({
      code: 'approval_closed',
    });
    // Even the requester hears that it is decided, not that someone else must approve it.
    await expect(new ApprovalDecisions(deps).approve(id, alice)).rejects.toMatchObject({
      code: 'approval_closed',
      userMessage: `Job ${id} was already rejected. Nothing was changed.`,
    });
    expect(await Job.fromId(queue, id)).toBeUndefined();
  });

  it('masks a known secret that reaches an audit entry', async () => {
    const secret = 'k3y-Value-That-Must-Not-Leak-0123456789';
    secrets.add(secret);
    const audit = new AuditLog({ redis, secrets, logger });
    await audit.append({
      action: 'queued',
      actor: { platform: 'slack', userId: 'U0ALICE', userName: 'alice' },
      where: 'C1',
      kind: 'deploy',
      command: `deploy with ${secret}`,
    });

    const raw = JSON.stringify(await redis.xrange('shipmate:audit', '-', '+'));
    expect(raw).not.toContain(secret);
    expect(raw).toContain('[REDACTED]');
  });
});
