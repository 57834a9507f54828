import { describe, expect, it } from 'vitest';

import { refusal } from '../../test/support/parse-refusal.js';
import { parseCommand } from './parse-command.js';

describe('parseCommand: keys and tokens', () => {
  it('reads keys regen with the key to replace', () => {
    expect(parseCommand('keys regen diabetes --key primary')).toEqual({
      kind: 'keys.regen',
      service: 'diabetes',
      key: 'primary',
    });
    expect(parseCommand('keys regen diabetes --key secondary')).toMatchObject({
      key: 'secondary',
    });
  });

  it('refuses keys regen without --key or with another key name', () => {
    const missing = refusal('keys regen diabetes');
    expect(missing.userMessage).toContain('--key primary or --key secondary');
    expect(missing.usage).toBe('keys regen <service> --key primary|secondary');

    expect(refusal('keys regen diabetes --key tertiary').userMessage).toContain('--key:');
  });

  it('reads token <service>', () => {
    expect(parseCommand('token diabetes')).toEqual({ kind: 'token', service: 'diabetes' });
    expect(refusal('token').userMessage).toBe('Missing <service>.');
  });

  it('reads service update --auth for each mode', () => {
    for (const auth of ['key', 'token', 'none'] as const) {
      expect(parseCommand(`service update diabetes --auth ${auth}`)).toEqual({
        kind: 'service.auth',
        service: 'diabetes',
        auth,
      });
    }
    expect(refusal('service update diabetes').userMessage).toContain('or --auth');
  });

  it('refuses a command asking for key and token auth together, saying why', () => {
    for (const text of [
      'service update diabetes --auth key,token',
      'service update diabetes --auth both',
      'deploy diabetes:1 --name diabetes --auth token+key',
    ]) {
      expect(refusal(text).userMessage).toContain('key auth or token auth, never both');
    }
  });

  it('accepts deploy --auth token', () => {
    expect(parseCommand('deploy diabetes:1 --name diabetes --auth token')).toMatchObject({
      kind: 'deploy',
      auth: 'token',
    });
  });
});
