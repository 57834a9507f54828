import { randomBytes } from 'node:crypto';

import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';

import { signServiceToken, verifyServiceToken } from './service-token.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const issuedAt = new Date('2026-12-04T12:00:00Z');
const later = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000);

describe('scoring tokens', () => {
  it('names the service as audience and subject, with issue and expiry times', async () => {
    const { token } = await signServiceToken('diabetes', keyA, 3600, issuedAt);

    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    expect(decodeJwt(token)).toMatchObject({
      aud: 'diabetes',
      sub: 'diabetes',
      iss: 'shipmate',
      iat: issuedAt.getTime() / 1000,
      exp: issuedAt.getTime() / 1000 + 3600,
    });
  });

  it('gives a refresh-by time at half the lifetime and the expiry', async () => {
    const issued = await signServiceToken('diabetes', keyA, 3600, issuedAt);

    expect(issued.refreshBy.toISOString()).toBe('2026-12-04T12:30:00.000Z');
    expect(issued.expiresAt.toISOString()).toBe('2026-12-04T13:00:00.000Z');
  });

  it('is accepted by its service until it expires and refused after', async () => {
    const { token } = await signServiceToken('diabetes', keyA, 60, issuedAt);

    expect(await verifyServiceToken(token, 'diabetes', keyA, later(1))).toBe(true);
    expect(await verifyServiceToken(token, 'diabetes', keyA, later(59))).toBe(true);
    expect(await verifyServiceToken(token, 'diabetes', keyA, later(60))).toBe(false);
    expect(await verifyServiceToken(token, 'diabetes', keyA, later(3600))).toBe(false);
  });

  it('is refused by another service, even one that shares the signing key', async () => {
    const { token } = await signServiceToken('diabetes', keyA, 60, issuedAt);

    expect(await verifyServiceToken(token, 'churn', keyA, later(1))).toBe(false);
  });

  it('is refused when checked with another signing key', async () => {
    const { token } = await signServiceToken('diabetes', keyA, 60, issuedAt);

    expect(await verifyServiceToken(token, 'diabetes', keyB, later(1))).toBe(false);
  });

  it('refuses a tampered token, an unsigned one and what is not a token at all', async () => {
    const { token } = await signServiceToken('diabetes', keyA, 60, issuedAt);
    const [header = '', , signature = ''] = token.split('.');
    const claims = Buffer.from(
      JSON.stringify({ ...decodeJwt(token), exp: issuedAt.getTime() / 1000 + 99_999 }),
    ).toString('base64url');
    const none = Buffer.from('{"alg":"none"}').toString('base64url');

    expect(await verifyServiceToken(`${header}.${claims}.${signature}`, 'diabetes', keyA)).toBe(
      false,
    );
    expect(await verifyServiceToken(`${none}.${claims}.`, 'diabetes', keyA, later(1))).toBe(false);
    expect(await verifyServiceToken('not-a-token', 'diabetes', keyA)).toBe(false);
  });
});
