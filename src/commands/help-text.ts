import { InputError } from '../platform/errors.js';
import { commandSpecs } from './command-specs.js';
import { findSpec } from './parse-command.js';
import { tokenize } from './tokenize.js';

/** `help` lists every command; `help <command>` shows one with its usage. */
export function helpText(topic: string | undefined): string {
  if (topic === undefined) {
    const lines = commandSpecs.map((spec) => `• \`${spec.usage}\` — ${spec.summary}`);
    return [
      'Shipmate commands (`/ml <command>` in Slack; `ml <command>` or @Shipmate in Teams):',
      ...lines,
    ].join('\n');
  }

  const words = tokenize(topic);
  const exact = findSpec(words);
  // `help endpoint version delete` names one command: show that one, not its whole family.
  if (exact !== undefined && exact.words.length > 1) return `\`${exact.usage}\`\n${exact.summary}`;

  const spec = exact ?? commandSpecs.find((s) => s.words[0] === words[0]?.toLowerCase());
  if (spec === undefined) {
    throw new InputError({
      code: 'unknown_command',
      userMessage: `There is no command \`${topic}\`.`,
      usage: 'help [command]',
    });
  }
  const family = commandSpecs.filter((s) => s.words[0] === spec.words[0]);
  return family.map((s) => `\`${s.usage}\`\n${s.summary}`).join('\n\n');
}
