import { describe, expect, it } from 'vitest';

import { bearerOf, keyDigests, matchesKey } from './key-check.js';

const keys = { primary: 'primary-5f1c2a9e7b', secondary: 'secondary-0d3e8b4c6a' };
const digests = keyDigests(keys);

describe('matchesKey', () => {
  it('accepts the primary key', () => {
    expect(matchesKey(keys.primary, digests)).toBe(true);
  });

  it('accepts the secondary key', () => {
    expect(matchesKey(keys.secondary, digests)).toBe(true);
  });

  it('refuses any other value', () => {
    expect(matchesKey('primary-5f1c2a9e7c', digests)).toBe(false);
    expect(matchesKey('', digests)).toBe(false);
  });

  it('refuses a prefix of a key and a key with something added', () => {
    expect(matchesKey(keys.primary.slice(0, -1), digests)).toBe(false);
    expect(matchesKey(`${keys.secondary}x`, digests)).toBe(false);
  });

  it('refuses a key of the wrong case', () => {
    expect(matchesKey(keys.primary.toUpperCase(), digests)).toBe(false);
  });

  it('refuses the old key once keys change, and accepts the new one', () => {
    const regenerated = keyDigests({ ...keys, primary: 'primary-new-7a7a7a7a' });

    expect(matchesKey(keys.primary, regenerated)).toBe(false);
    expect(matchesKey('primary-new-7a7a7a7a', regenerated)).toBe(true);
    expect(matchesKey(keys.secondary, regenerated)).toBe(true);
  });
});

describe('bearerOf', () => {
  it('reads the value of a Bearer header', () => {
    expect(bearerOf('Bearer abc.def-123')).toBe('abc.def-123');
  });

  it('reads the scheme whatever its case, and ignores spaces around the value', () => {
    expect(bearerOf('bearer   abc ')).toBe('abc');
    expect(bearerOf('BEARER abc')).toBe('abc');
  });

  it('gives nothing without a header', () => {
    expect(bearerOf(undefined)).toBeUndefined();
    expect(bearerOf('')).toBeUndefined();
  });

  it('gives nothing for another scheme, a bare scheme or two values', () => {
    expect(bearerOf('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerOf('Bearer')).toBeUndefined();
    expect(bearerOf('Bearer ')).toBeUndefined();
    expect(bearerOf('Bearer a b')).toBeUndefined();
    expect(bearerOf('abc')).toBeUndefined();
  });
});
