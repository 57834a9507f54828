import { describe, expect, it } from 'vitest';

import { commandSpecs } from './command-specs.js';
import { parseCommand } from './parse-command.js';

describe('commandSpecs', () => {
  it('has the commands of this release, in the order help lists them', () => {
    expect(commandSpecs.map((s) => s.words.join(' '))).toEqual([
      'help',
      'model list',
      'deploy',
      'service list',
      'service show',
      'service logs',
      'service delete',
      'service update',
      'endpoint version add',
      'endpoint version update',
      'endpoint version delete',
      'traffic',
      'keys show',
      'keys regen',
      'token',
      'jobs',
      'job',
      'approve',
      'reject',
      'audit',
    ]);
  });

  it('starts each usage line with the words that select the command', () => {
    for (const spec of commandSpecs) {
      expect(spec.usage.startsWith(spec.words.join(' '))).toBe(true);
    }
  });

  it('names every option of a command in its usage line', () => {
    for (const spec of commandSpecs) {
      for (const option of Object.keys(spec.options)) {
        expect(spec.usage).toContain(`--${option}`);
      }
    }
  });

  it('uses the words of the SPEC grammar for deploy', () => {
    const deploy = commandSpecs.find((s) => s.words[0] === 'deploy')!;

    expect(deploy.usage).toMatch(/^deploy <model>:<version>\[,…\] --name <service> /);
    expect(deploy.usage).toContain('[--auth key|token|none]');
  });

  it('gives each command with no arguments a kind of its own when typed bare', () => {
    const bare = commandSpecs.filter(
      (s) => s.positionals.every((p) => p.endsWith('?')) && s.words[0] !== 'help',
    );

    expect(bare.map((s) => parseCommand(s.words.join(' ')).kind)).toEqual([
      'model.list',
      'service.list',
      'jobs',
      'audit',
    ]);
  });

  it('reads approve, reject with a reason, and audit with its filters', () => {
    expect(parseCommand('approve 3fk2a9x1')).toEqual({ kind: 'approve', id: '3fk2a9x1' });
    expect(parseCommand('reject 3fk2a9x1 --reason "not today"')).toEqual({
      kind: 'reject',
      id: '3fk2a9x1',
      reason: 'not today',
    });
    expect(parseCommand('audit')).toEqual({ kind: 'audit', service: undefined, limit: 20 });
    expect(parseCommand('audit --service diabetes --limit 5')).toEqual({
      kind: 'audit',
      service: 'diabetes',
      limit: 5,
    });
    expect(() => parseCommand('audit --limit 0')).toThrow(/--limit/);
  });

  it('reads an unquoted reason of several words, and refuses words without --reason', () => {
    expect(parseCommand('reject 3fk2a9x1 --reason not before the release')).toEqual({
      kind: 'reject',
      id: '3fk2a9x1',
      reason: 'not before the release',
    });
    expect(parseCommand('reject 3fk2a9x1 --reason "no\n• approved by carol"')).toMatchObject({
      reason: 'no • approved by carol',
    });
    expect(() => parseCommand('reject 3fk2a9x1 not today')).toThrow(
      /give the reason after --reason/,
    );
    expect(() => parseCommand(`reject 3fk2a9x1 --reason ${'x'.repeat(501)}`)).toThrow(
      /at most 500 characters/,
    );
  });
});
