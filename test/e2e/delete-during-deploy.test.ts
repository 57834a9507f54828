import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deletesWithoutApproval, writePolicyFile } from '../support/policy-file.js';
import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { say, startSay } from '../support/say.js';
import { waitFor } from '../support/wait-for.js';

const fixtures = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

describe('deleting a service while its deploy waits for a model that never gets ready', () => {
  let redis: RedisServer;
  let product: Product;

  beforeAll(async () => {
    redis = await startRedis();
    product = await startProduct({
      redisUrl: redis.url,
      env: {
        SHIPMATE_MODELS: fixtures,
        SLOW_INIT_SECONDS: '120',
        // This test is about a delete racing a deploy; approvals have their own tests.
        SHIPMATE_POLICY: await writePolicyFile(deletesWithoutApproval),
      },
    });
  });

  afterAll(async () => {
    await product?.stop();
    await redis?.stop();
  });

  it('cancels the deploy at once, and the service does not come back', async () => {
    const deploy = startSay('deploy slow-init:1 --name stuck', product.env);
    await waitFor(() => deploy.output().includes('wait until ready'), {
      what: 'the deploy to wait for readiness',
      timeoutMs: 20_000,
    });

    const started = Date.now();
    const removal = await say('service delete stuck', product.env);
    expect(removal.code, removal.stdout + removal.stderr).toBe(0);
    expect(removal.stdout).toContain('Service stuck is deleted.');
    expect(Date.now() - started).toBeLessThan(20_000);

    const deployed = await deploy.done;
    expect(deployed.code).toBe(1);
    expect(deployed.stdout).toContain('was deleted while it was deploying');

    const services = await say('service list', product.env);
    expect(services.stdout).toContain('No services yet');
  }, 60_000);
});
