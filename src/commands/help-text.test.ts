import { describe, expect, it } from 'vitest';

import { InputError } from '../platform/errors.js';
import { commandSpecs } from './command-specs.js';
import { helpText } from './help-text.js';

describe('helpText', () => {
  it('lists every command of the release with its usage and summary, one per line', () => {
    const lines = helpText(undefined).split('\n');

    expect(lines[0]).toContain('/ml <command>');
    expect(lines).toHaveLength(commandSpecs.length + 1);
    for (const spec of commandSpecs) {
      expect(lines).toContain(`• \`${spec.usage}\` — ${spec.summary}`);
    }
  });

  it('explains deploy with its whole usage line and nothing else', () => {
    const deploy = commandSpecs.find((s) => s.words[0] === 'deploy')!;

    const text = helpText('deploy');

    expect(text).toBe(`\`${deploy.usage}\`\n${deploy.summary}`);
    expect(text).toContain('--replicas N | --autoscale MIN-MAX');
  });

  it('explains a family of commands from its first word', () => {
    const text = helpText('service');

    expect(text).toContain('`service list`');
    expect(text).toContain('`service show <name>`');
    expect(text).toContain('`service logs <name> [--tail N]`');
    expect(text).toContain('`service delete <name>`');
    expect(text).not.toContain('deploy');
  });

  it('explains one command of a family when all its words are given', () => {
    const text = helpText('endpoint version delete');
    expect(text).toContain('`endpoint version delete <endpoint> <version>');
    expect(text).not.toContain('endpoint version add');
  });

  it('reads the topic whatever its case', () => {
    expect(helpText('KEYS')).toBe(helpText('keys'));
    expect(helpText('keys')).toContain('`keys show <service>`');
  });

  it('refuses a topic that is no command, naming it', () => {
    let caught: unknown;
    try {
      helpText('teleport');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).userMessage).toBe('There is no command `teleport`.');
    expect((caught as InputError).usage).toBe('help [command]');
  });
});
