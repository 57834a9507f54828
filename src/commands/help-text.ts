import { InputError } from '../platform/errors.js';
import { commandSpecs } from './command-specs.js';
import { findSpec } from './parse-command.js';
import { tokenize } from './tokenize.js';

/** `help` lists every command; `help <command>` shows one with its usage. */
export function helpText(topic: string | undefined): string {
  if (topic === undefined) {
    const lines = commandSpecs.map((spec) => `• \`${spec.usage}\` — ${spec.summary}`);
    return ['Shipmate commands (`/ml <command>` in Slack):', ...lines].join('\n');
  }

  const words = tokenize(topic);
  const spec = findSpec(words) ?? commandSpecs.find((s) => s.words[0] === words[0]?.toLowerCase());
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
