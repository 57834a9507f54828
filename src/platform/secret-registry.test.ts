import { describe, expect, it } from 'vitest';

import { SecretRegistry } from './secret-registry.js';

describe('SecretRegistry', () => {
  it('masks every occurrence of every secret it knows', () => {
    const secrets = new SecretRegistry();
    secrets.add('primary-key-0001', 'secondary-key-0002');

    expect(secrets.mask('a primary-key-0001 b secondary-key-0002 c primary-key-0001')).toBe(
      'a [REDACTED] b [REDACTED] c [REDACTED]',
    );
  });

  it('leaves text without a secret as it is', () => {
    const secrets = new SecretRegistry();
    secrets.add('primary-key-0001');

    expect(secrets.mask('deploy diabetes:1 --name diabetes')).toBe(
      'deploy diabetes:1 --name diabetes',
    );
  });

  it('ignores values shorter than 8 characters and undefined ones', () => {
    const secrets = new SecretRegistry();
    secrets.add('key', 'abcdefg', undefined);

    expect(secrets.mask('key abcdefg')).toBe('key abcdefg');
  });

  it('masks a value of exactly 8 characters', () => {
    const secrets = new SecretRegistry();
    secrets.add('abcdefgh');

    expect(secrets.mask('x abcdefgh y')).toBe('x [REDACTED] y');
  });

  it('stops masking a value once it is deleted', () => {
    const secrets = new SecretRegistry();
    secrets.add('old-key-12345678', 'new-key-87654321');

    secrets.delete('old-key-12345678');

    expect(secrets.mask('old-key-12345678 new-key-87654321')).toBe('old-key-12345678 [REDACTED]');
  });
});

describe('SecretRegistry and scoring tokens', () => {
  it('masks a JWT it was never told about', () => {
    const secrets = new SecretRegistry();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWFiZXRlcyJ9.c2lnbmF0dXJlLW9mLWEtdGVzdC10b2tlbg';

    expect(secrets.mask(`Bearer ${jwt} sent`)).toBe('Bearer [REDACTED] sent');
  });
});
