import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { failure } from '../../../test/support/failure.js';
import { ConflictError } from '../../platform/errors.js';
import { SecretRegistry } from '../../platform/secret-registry.js';
import { KeyStore } from './key-store.js';
import { SigningKeyStore } from './signing-key-store.js';

const tempHome = () => mkdtemp(path.join(os.tmpdir(), 'shipmate-keys-'));

describe('KeyStore.regenerate', () => {
  it('replaces the named key and keeps the other', async () => {
    const store = new KeyStore(await tempHome(), new SecretRegistry());
    await store.ensure('diabetes');
    const before = await store.read('diabetes');

    await store.regenerate('diabetes', 'primary', 'job1');
    const after = await store.read('diabetes');

    expect(after?.primary).not.toBe(before?.primary);
    expect(after?.primary).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(after?.secondary).toBe(before?.secondary);
  });

  it('does nothing more when the same job asks again (a replay)', async () => {
    const store = new KeyStore(await tempHome(), new SecretRegistry());
    await store.ensure('diabetes');

    await store.regenerate('diabetes', 'secondary', 'job1');
    const first = await store.read('diabetes');
    await store.regenerate('diabetes', 'secondary', 'job1');
    expect(await store.read('diabetes')).toEqual(first);

    await store.regenerate('diabetes', 'secondary', 'job2');
    expect((await store.read('diabetes'))?.secondary).not.toBe(first?.secondary);
  });

  it('keeps the file private (0600) and lets the logger mask the new key', async () => {
    const home = await tempHome();
    const secrets = new SecretRegistry();
    const store = new KeyStore(home, secrets);
    await store.ensure('diabetes');

    await store.regenerate('diabetes', 'primary', 'job1');
    const file = path.join(home, 'keys', 'diabetes.json');
    const keys = JSON.parse(await readFile(file, 'utf8')) as { primary: string };

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(home, 'keys'))).mode & 0o777).toBe(0o700);
    expect(secrets.mask(`key ${keys.primary}`)).toBe('key [REDACTED]');
  });

  it('refuses to regenerate keys of a service that has none', async () => {
    const store = new KeyStore(await tempHome(), new SecretRegistry());

    const error = await failure(store.regenerate('diabetes', 'primary', 'job1'), ConflictError);
    expect(error.userMessage).toContain('has no keys');
  });
});

describe('SigningKeyStore', () => {
  it('creates a 32-byte key once, in a 0600 file, and keeps it', async () => {
    const home = await tempHome();
    const store = new SigningKeyStore(home, new SecretRegistry());

    expect(await store.read('diabetes')).toBeUndefined();
    await store.ensure('diabetes');
    const first = await store.read('diabetes');
    await store.ensure('diabetes');

    expect(first?.length).toBe(32);
    expect(await store.read('diabetes')).toEqual(first);
    const file = path.join(home, 'keys', 'diabetes.signing.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('gives each service its own key', async () => {
    const store = new SigningKeyStore(await tempHome(), new SecretRegistry());
    await store.ensure('diabetes');
    await store.ensure('churn');

    expect(await store.read('diabetes')).not.toEqual(await store.read('churn'));
  });
});
