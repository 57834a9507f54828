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

  it('has a solo policy that runs every change at once, for one person on a laptop', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const solo = /```yaml\n(rules:\n {2}- name: I work alone[\s\S]*?)```/.exec(readme)?.[1];
    if (solo === undefined) throw new Error('no solo policy in the README');

    const policy = parsePolicy(solo, 'README.md');

    for (const kind of ['traffic', 'service.delete', 'keys.regen', 'endpoint.version.delete']) {
      const decision = policy.decide({ kind, name: 'diabetes', target: 'local', userId: 'x' });
      expect(decision).toMatchObject({ allowed: true, approval: undefined });
    }
  });
});
