import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createLogger } from './logger.js';
import { SecretRegistry } from './secret-registry.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const secrets = new SecretRegistry();
  const logger = createLogger({ level: 'info', secrets, destination, pretty: false });
  return { logger, lines };
}

describe('createLogger ', () => {
  // redactedPaths only reach two levels (`token`, `*.token`); pino has no recursive wildcard,
  // so a token one level deeper is written in clear unless its value happens to be known.
  it('redacts a field named token however deep it is', async () => {
    const { logger, lines } = capture();

    logger.info({ job: { result: { token: 'eyJ-not-yet-known-99999999' } } }, 'job done');

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('\n')).not.toContain('99999999');
  });

  // Outgoing request headers are usually spelled `Authorization`; the paths are lowercase
  // only, so `{ headers: { Authorization } }` is written in clear.
  it('redacts an Authorization header spelled with a capital A', async () => {
    const { logger, lines } = capture();

    logger.info({ headers: { Authorization: 'Bearer 88888888' } }, 'calling Slack');

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('\n')).not.toContain('88888888');
  });
});
