import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writePolicyFile } from '../support/policy-file.js';
import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { say } from '../support/say.js';

describe('a bad policy file', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('stops start-up, naming the line and the reason', async () => {
    const file = await writePolicyFile(
      [
        'groups:',
        '  leads: [U0BOB]',
        'rules:',
        '  - name: prod',
        '    commands: [deploy]',
        '    approval: { approvers: 0 }',
      ].join('\n'),
    );
    const started = startProduct({ redisUrl: redis.url, env: { SHIPMATE_POLICY: file } });

    const error = await started.then(
      () => new Error('expected start-up to fail'),
      (failure: unknown) => failure as Error,
    );
    expect(error.message).toContain('shipmate exited during start');
    expect(error.message).toMatch(/SHIPMATE_POLICY: .*policy\.yaml line 6 \(rules\.0\.approval/);
    expect(error.message).toMatch(/>=1|too small/);
  });
});

describe('approvals from the console', () => {
  let redis: RedisServer;
  let product: Product;

  beforeAll(async () => {
    redis = await startRedis();
    product = await startProduct({ redisUrl: redis.url });
    const deployed = await say('deploy diabetes:1 --name diabetes', product.env);
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await product?.stop();
    await redis?.stop();
  });

  it('holds a delete for approval and refuses the requester approving it', async () => {
    const removal = await say('service delete diabetes', product.env);
    expect(removal.code, removal.stderr).toBe(0);
    expect(removal.stdout).toMatch(/job [a-z0-9]+ — delete service diabetes — awaiting approval/);
    expect(removal.stdout).toContain('service: diabetes on local (ready) → deleted');
    const id = /job ([a-z0-9]+)/.exec(removal.stdout)?.[1] ?? '';

    const self = await say(`approve ${id}`, product.env);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain(`You asked for job ${id}: someone else must approve it.`);

    const job = await say(`job ${id}`, product.env);
    expect(job.stdout).toContain('awaiting approval');
    const jobs = await say('jobs', product.env);
    expect(jobs.stdout).toMatch(
      new RegExp(`\`${id}\` delete service diabetes — awaiting approval`),
    );
    const services = await say('service list', product.env);
    expect(services.stdout).toContain('`diabetes` — ready');

    const audit = await say('audit --service diabetes', product.env);
    expect(audit.stdout).toMatch(/approval requested.*service delete diabetes/);
    expect(audit.stdout).toMatch(/queued.*deploy diabetes:1/);
  }, 60_000);

  it('lets the requester withdraw with reject, and the job is rejected for good', async () => {
    const removal = await say('service delete diabetes', product.env);
    const id = /job ([a-z0-9]+)/.exec(removal.stdout)?.[1] ?? '';

    const rejected = await say(`reject ${id} --reason "changed my mind"`, product.env);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toContain(`Rejected: job ${id} will not run.`);

    const job = await say(`job ${id}`, product.env);
    expect(job.stdout).toContain(`job ${id} — delete service diabetes — rejected`);
    // The requester calling it off withdraws it; the state word stays `rejected`.
    expect(job.stdout).toMatch(/Withdrawn by \S+: changed my mind/);
  }, 60_000);
});
