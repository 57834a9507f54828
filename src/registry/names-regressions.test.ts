import { describe, expect, it } from 'vitest';

import { defaultVersionName } from './names.js';

describe('defaultVersionName', () => {
  // SPEC: the version is named `<model>-<version>`. For a model name of 31 characters or
  // more, slice(0, 32) cuts the `-<version>` suffix off, so versions 1 and 2 of the same
  // model get the same name. The model part should be shortened, not the version.
  it('keeps the version number when a long model name has to be shortened', () => {
    const name = 'customer-churn-gradient-boosting-classifier';

    const first = defaultVersionName({ name, version: '1' });
    const second = defaultVersionName({ name, version: '2' });

    expect(first).toMatch(/-1$/);
    expect(second).toMatch(/-2$/);
    expect(first.length).toBeLessThanOrEqual(32);
  });

  // A model name made only of digits (allowed by modelName, as in Azure ML) loses
  // everything: `123:4` and `456:7` are both named `v-0`.
  it('gives different names to different all-digit models', () => {
    expect(defaultVersionName({ name: '123', version: '4' })).not.toBe(
      defaultVersionName({ name: '456', version: '7' }),
    );
  });
});
