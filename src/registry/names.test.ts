import { describe, expect, it } from 'vitest';

import { defaultVersionName, formatModelRef, modelRef, resourceName } from './names.js';

describe('defaultVersionName', () => {
  it('names the first version of `deploy diabetes:1` diabetes-1', () => {
    expect(defaultVersionName({ name: 'diabetes', version: '1' })).toBe('diabetes-1');
  });

  it('lower-cases a model name and turns other characters into -', () => {
    expect(defaultVersionName({ name: 'Diabetes_Model.v2', version: '7' })).toBe(
      'diabetes-model-v2-7',
    );
  });

  it('starts a name that begins with a digit with a letter', () => {
    expect(defaultVersionName({ name: '2024-sales', version: '3' })).toBe('m2024-sales-3');
  });

  it('keeps a name within 32 characters and not ending in -', () => {
    const name = defaultVersionName({ name: `${'a'.repeat(31)}-x`, version: '1' });

    expect(name.length).toBeLessThanOrEqual(32);
    expect(name.endsWith('-')).toBe(false);
  });

  it.each([
    ['diabetes', '1'],
    ['a', '1'],
    ['9', '1'],
    ['A.B_C', '12'],
    ['x'.repeat(60), '123456789'],
    ['m--------------------------------', '4'],
  ])('gives a valid version name for %s:%s', (name, version) => {
    expect(resourceName.safeParse(defaultVersionName({ name, version })).success).toBe(true);
  });
});

describe('resourceName', () => {
  it('accepts names of 3 to 32 lowercase letters, digits and -', () => {
    for (const name of ['abc', 'diabetes-1', `a${'0'.repeat(30)}z`]) {
      expect(resourceName.safeParse(name).success).toBe(true);
    }
  });

  it('refuses names that break a rule of SPEC', () => {
    for (const name of ['ab', `a${'b'.repeat(32)}`, 'Abc', '1abc', 'abc-', 'a_bc', 'a bc']) {
      expect(resourceName.safeParse(name).success).toBe(false);
    }
  });
});

describe('modelRef', () => {
  it('accepts a registered model name and a version number', () => {
    expect(modelRef.safeParse({ name: 'Diabetes_v2.onnx', version: '12' }).success).toBe(true);
  });

  it('refuses version 0 and versions that are not numbers', () => {
    for (const version of ['0', '01', 'latest', '']) {
      expect(modelRef.safeParse({ name: 'diabetes', version }).success).toBe(false);
    }
  });
});

describe('formatModelRef', () => {
  it('writes a model reference as <model>:<version>', () => {
    expect(formatModelRef({ name: 'diabetes', version: '1' })).toBe('diabetes:1');
  });
});

describe('defaultVersionName, edge cases', () => {
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
