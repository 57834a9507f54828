import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { parsePolicy } from './load-policy.js';

describe("the README's example policy", () => {
  it('is a valid policy that means what the README says', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /```yaml\n(groups:[\s\S]*?)```/.exec(readme)?.[1];
    if (example === undefined) throw new Error('no example policy in the README');

    const policy = parsePolicy(example, 'README.md');

    const prod = { kind: 'traffic', name: 'prod-scoring', target: 'local' };
    expect(policy.decide({ ...prod, userId: 'U0123ALICE' }).approval?.approvers).toBe(2);
    expect(policy.decide({ ...prod, userId: 'U0EVE' }).allowed).toBe(false);
    const own = { kind: 'keys.regen', name: 'team-x', target: 'local', userId: 'U0EVE' };
    expect(policy.decide(own)).toMatchObject({ allowed: true, approval: undefined });
  });
});
