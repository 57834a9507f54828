import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createLogger, type Logger } from './logger.js';
import { SecretRegistry } from './secret-registry.js';

const serviceKey = 'pk-3b1f9c0e5d7a4b2c';
const botToken = 'xoxb-fake-test';

/** A logger writing JSON lines into an array, with the given secrets known. */
function capture(known: readonly string[] = [], level = 'info') {
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
  secrets.add(...known);
  const logger: Logger = createLogger({ level, secrets, destination, pretty: false });
  const records = async (): Promise<Array<Record<string, unknown>>> => {
    await new Promise((resolve) => setImmediate(resolve));
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  return { logger, lines, secrets, records };
}

describe('createLogger', () => {
  it('writes one JSON line per call with the message and fields', async () => {
    const { logger, records } = capture();

    logger.info({ service: 'diabetes', jobId: 'j1' }, 'deploy queued');

    expect(await records()).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'deploy queued',
        service: 'diabetes',
        jobId: 'j1',
      }),
    ]);
  });

  it('drops lines below its level', async () => {
    const { logger, records } = capture([], 'warn');

    logger.info('lifecycle');
    logger.warn('input refused');

    expect((await records()).map((r) => r.msg)).toEqual(['input refused']);
  });

  it('redacts fields named token, key, authorization and password by path', async () => {
    const { logger, lines, records } = capture();

    logger.info(
      {
        token: 'tok-aaaaaaaa',
        key: 'key-bbbbbbbb',
        authorization: 'Bearer cccccccc',
        password: 'pw-dddddddd',
        service: 'diabetes',
      },
      'keys read',
    );

    const [record] = await records();
    expect(record).toMatchObject({
      token: '[REDACTED]',
      key: '[REDACTED]',
      authorization: '[REDACTED]',
      password: '[REDACTED]',
      service: 'diabetes',
    });
    for (const value of ['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd']) {
      expect(lines.join('\n')).not.toContain(value);
    }
  });

  it('redacts those fields one level down and in request headers', async () => {
    const { logger, lines, records } = capture();

    logger.info(
      {
        keys: { primary: 'p-11111111', secondary: 's-22222222' },
        result: { token: 'tok-33333333', password: 'pw-44444444' },
        req: { headers: { authorization: 'Bearer 55555555' } },
      },
      'request',
    );

    const [record] = await records();
    expect(record).toMatchObject({
      keys: '[REDACTED]',
      result: { token: '[REDACTED]', password: '[REDACTED]' },
      req: { headers: { authorization: '[REDACTED]' } },
    });
    expect(lines.join('\n')).not.toMatch(/1{8}|2{8}|3{8}|4{8}|5{8}/);
  });

  it('masks a known secret inside the message', async () => {
    const { logger, lines } = capture([serviceKey]);

    logger.warn(`scoring refused for ${serviceKey}`);

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('\n')).not.toContain(serviceKey);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'scoring refused for [REDACTED]' });
  });

  it("masks a known secret inside an error's message and stack", async () => {
    const { logger, lines, records } = capture([botToken]);

    logger.error({ err: new Error(`Slack refused ${botToken}`) }, 'status update failed');

    const [record] = await records();
    expect(record?.err).toMatchObject({ message: 'Slack refused [REDACTED]' });
    expect(lines.join('\n')).not.toContain(botToken);
  });

  it('masks a known secret in a field that is not redacted by path', async () => {
    const { logger, lines } = capture([serviceKey]);

    logger.info({ detail: { note: `key was ${serviceKey}` } }, 'odd');

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('\n')).not.toContain(serviceKey);
    expect(lines.join('\n')).toContain('key was [REDACTED]');
  });

  it('masks a secret added after the logger was made, and a child logger does too', async () => {
    const { logger, lines, secrets } = capture();
    const child = logger.child({ jobId: 'j7' });

    secrets.add(serviceKey);
    child.info(`minted ${serviceKey}`);

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(serviceKey);
    expect(JSON.parse(lines[0]!)).toMatchObject({ jobId: 'j7', msg: 'minted [REDACTED]' });
  });

  it('writes an unknown value as it is', async () => {
    const { logger, lines } = capture([serviceKey]);

    logger.info('nothing secret here: pk-not-registered');

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toContain('pk-not-registered');
  });

  it('redacts a field named token however deep it is', async () => {
    const { logger, lines } = capture();

    logger.info({ job: { result: { token: 'eyJ-not-yet-known-99999999' } } }, 'job done');

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('\n')).not.toContain('99999999');
  });

  it('redacts an Authorization header spelled with a capital A', async () => {
    const { logger, lines } = capture();

    logger.info({ headers: { Authorization: 'Bearer 88888888' } }, 'calling Slack');

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('\n')).not.toContain('88888888');
  });

  it('redacts a secret-named binding of a child logger', async () => {
    const { logger, lines } = capture();

    logger.child({ responseUrl: 'https://127.0.0.1/hooks/77777777' }).info('command acked');
    logger.child({ token: 'tok-66666666' }).info('job started');

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('\n')).not.toContain('77777777');
    expect(lines.join('\n')).not.toContain('66666666');
  });

  it('redacts secret-named properties of a logged error', async () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error('request failed'), {
      token: 'tok-55555555',
      request: { headers: { authorization: 'Bearer 44444444' } },
    });

    logger.error({ err }, 'Slack call failed');

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join('\n')).toContain('request failed');
    expect(lines.join('\n')).not.toContain('55555555');
    expect(lines.join('\n')).not.toContain('44444444');
  });
});
