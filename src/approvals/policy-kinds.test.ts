import { describe, expect, it } from 'vitest';

import { commandSpecs } from '../commands/command-specs.js';
import { parsePolicy } from './load-policy.js';
import { policyKinds } from './policy-kinds.js';

describe('the command kinds a policy may name', () => {
  it('are the commands of this release, with `service update --auth` as service.auth', () => {
    const kinds = commandSpecs.map((spec) => spec.words.join('.'));
    expect([...policyKinds].sort()).toEqual([...kinds, 'service.auth'].sort());
  });

  it('refuses a misspelt kind at load, naming it and its line', () => {
    const text = ['rules:', '  - name: deletes', '    commands: [keys.regen, servcie.delete]'];
    expect(() => parsePolicy(text.join('\n'), 'policy.yaml')).toThrow(
      /policy\.yaml line 3 \(rules\.0\.commands\.1\): unknown command kind "servcie\.delete"/,
    );
  });

  it('refuses an alias to an anchor that is not there, naming the file', () => {
    expect(() => parsePolicy('rules: *missing\n', 'policy.yaml')).toThrow(
      /SHIPMATE_POLICY: policy\.yaml/,
    );
  });
});
