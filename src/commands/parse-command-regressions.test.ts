import { describe, expect, it } from 'vitest';

import { InputError } from '../platform/errors.js';
import { commandSpecs } from './command-specs.js';
import { parseCommand } from './parse-command.js';

const usageOf = (words: string): string => {
  const spec = commandSpecs.find((s) => s.words.join(' ') === words);
  if (spec === undefined) throw new Error(`no command ${words}`);
  return spec.usage;
};

function refusal(text: string): InputError {
  try {
    parseCommand(text);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected \`${text}\` to be refused`);
}

describe('parseCommand', () => {
  // SPEC "Messages": input that does not parse gets a reply that shows the usage line.
  // tokenize() throws before the command is known, so `usage` is undefined.
  it('shows the command usage line for a quote that is not closed', () => {
    const error = refusal('deploy diabetes:1 --name "diabetes');

    expect(error.code).toBe('unclosed_quote');
    expect(error.usage).toBe(usageOf('deploy'));
  });

  // joinOptionValues() glues the next word to a string option even when it is another
  // option, so `--cpu --name diabetes` becomes `--cpu=--name` plus a stray `diabetes`.
  it('says which option has no value when the next word is another option', () => {
    const error = refusal('deploy diabetes:1 --cpu --name diabetes');

    expect(error.userMessage).toContain('--cpu');
    expect(error.userMessage).not.toContain('Unexpected `diabetes`');
    expect(error.usage).toBe(usageOf('deploy'));
  });

  // A missing positional is named after its internal key, not the placeholder of the usage
  // line shown beside it: `Missing <models>.` for deploy, `Missing <name>.` for keys show.
  it('names a missing model with the usage line placeholder <model>:<version>', () => {
    expect(refusal('deploy --name diabetes').userMessage).toContain('<model>:<version>');
  });

  it('names a missing service of keys show as <service>, as its usage line does', () => {
    expect(refusal('keys show').userMessage).toContain('<service>');
  });
});
