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

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createLogger', () => {
  // d6922f3 replaced pino's `redact` with `formatters.log`. pino passes child bindings
  // through `formatters.bindings`, not `formatters.log`, so a secret-named binding of a
  // child logger (one per chat request or job, STYLE "Logging") is written in clear.
  // Before d6922f3 the `token` path redacted it.
  it('redacts a secret-named binding of a child logger', async () => {
    const { logger, lines } = capture();

    logger.child({ responseUrl: 'https://127.0.0.1/hooks/77777777' }).info('command acked');
    logger.child({ token: 'tok-66666666' }).info('job started');

    await flush();
    expect(lines.join('\n')).not.toContain('77777777');
    expect(lines.join('\n')).not.toContain('66666666');
  });

  // redactFields() returns an Error untouched, so secret-named properties an error carries
  // (SDK errors keep the request's headers) are written in clear. Before d6922f3 the
  // `*.token` and `*.headers.authorization` paths redacted `err.token` at least.
  it('redacts secret-named properties of a logged error', async () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error('request failed'), {
      token: 'tok-55555555',
      request: { headers: { authorization: 'Bearer 44444444' } },
    });

    logger.error({ err }, 'Slack call failed');

    await flush();
    expect(lines.join('\n')).toContain('request failed');
    expect(lines.join('\n')).not.toContain('55555555');
    expect(lines.join('\n')).not.toContain('44444444');
  });
});
