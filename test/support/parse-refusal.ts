import { parseCommand } from '../../src/commands/parse-command.js';
import { InputError } from '../../src/platform/errors.js';

/** The InputError chat text is refused with; fails the test when it parses. */
export function refusal(text: string): InputError {
  try {
    parseCommand(text);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected \`${text}\` to be refused`);
}
