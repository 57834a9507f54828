import { afterAll, beforeAll, expect, it, vi } from 'vitest';

import { writePolicyFile } from '../support/policy-file.js';
import { startProduct, type Product } from '../support/product.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { killStraySays, say } from './e2e-support.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let redis: RedisServer | undefined;
let product: Product;

beforeAll(async () => {
  redis = await startRedis();
  const policy = await writePolicyFile(
    [
      'rules:',
      '  - name: nobody deploys to production',
      '    commands: [deploy]',
      "    services: ['prod-*']",
      '    allow: [U0NOBODY]',
      '  - name: everything else runs at once',
      "    commands: ['*']",
      '',
    ].join('\n'),
  );
  product = await startProduct({
    redisUrl: redis.url,
    env: { SHIPMATE_POLICY: policy, SHIPMATE_TOKEN_LIFETIME_S: '20' },
  });
});

afterAll(async () => {
  killStraySays();
  await product?.stop();
  await redis?.stop();
});

it("holds `say` to the running product's policy, whatever the terminal's own says", async () => {
  const open = await writePolicyFile("rules:\n  - name: anything goes\n    commands: ['*']\n");
  const without = await say(product, 'deploy diabetes:1 --name prod-a', {
    SHIPMATE_POLICY: undefined,
  });
  const own = await say(product, 'deploy diabetes:1 --name prod-a', { SHIPMATE_POLICY: open });

  for (const result of [without, own]) {
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"nobody deploys to production"');
  }
  expect(own.stderr).toContain('Using the policy of the running Shipmate');
  expect((await say(product, 'service list')).stdout).toContain('No services yet');
});

it("issues tokens with the running product's lifetime, not the terminal's", async () => {
  const deploy = await say(product, 'deploy diabetes:1 --name churn --auth token');
  expect(deploy.code).toBe(0);

  const reply = await say(product, 'token churn', { SHIPMATE_TOKEN_LIFETIME_S: '86400' });
  const token = /`(eyJ[^`]+)`/.exec(reply.stdout)?.[1] ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    iat: number;
    exp: number;
  };
  expect(claims.exp - claims.iat).toBe(20);
});
