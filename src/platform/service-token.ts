import { randomUUID } from 'node:crypto';

import { errors, jwtVerify, SignJWT } from 'jose';

/** A scoring token as handed to a user: the JWT and the times that matter to them. */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
  /** Azure ML's `refresh_after`: ask for a new token by then; half the lifetime. */
  refreshBy: Date;
}

const issuer = 'shipmate';
const algorithm = 'HS256';

/**
 * Signs a scoring token for one service with that service's own signing key. `sub` and `aud`
 * name the service, so a token of one service opens no other even if keys were shared.
 */
export async function signServiceToken(
  service: string,
  signingKey: Uint8Array,
  lifetimeS: number,
  now: Date = new Date(),
): Promise<IssuedToken> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expires = issuedAt + lifetimeS;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(service)
    .setAudience(service)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expires)
    // Two tokens asked for in the same second are still two tokens.
    .setJti(randomUUID())
    .sign(signingKey);
  return {
    token,
    expiresAt: new Date(expires * 1000),
    refreshBy: new Date((issuedAt + Math.floor(lifetimeS / 2)) * 1000),
  };
}

/**
 * True when the token was signed with this service's key, names this service and has not
 * expired. jose compares the signature in constant time; any other failure (malformed, wrong
 * algorithm, wrong key, wrong audience, expired) is simply false.
 */
export async function verifyServiceToken(
  token: string,
  service: string,
  signingKey: Uint8Array,
  now: Date = new Date(),
): Promise<boolean> {
  try {
    await jwtVerify(token, signingKey, {
      algorithms: [algorithm],
      issuer,
      audience: service,
      subject: service,
      currentDate: now,
      requiredClaims: ['exp', 'iat'],
    });
    return true;
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof TypeError) return false;
    throw error;
  }
}
