import { parseArgs } from 'node:util';

import { z } from 'zod';

import { InputError } from '../platform/errors.js';
import type { Command } from './command.js';
import { commandSpecs, type CommandSpec } from './command-specs.js';
import { tokenize } from './tokenize.js';

/**
 * Turns chat text into a Command. Everything here is pure and quick, so a chat edge can run it
 * before acknowledging; every problem is an InputError carrying the usage line.
 */
export function parseCommand(text: string): Command {
  const words = tokenizeWithUsage(stripPrefix(text));
  if (words.length === 0) return { kind: 'help', topic: undefined };

  const spec = findSpec(words);
  if (spec === undefined) {
    const hint = suggestion(words);
    throw new InputError({
      code: 'unknown_command',
      userMessage: `I don't know the command \`${words.slice(0, 2).join(' ')}\`.${hint}`,
      usage: 'help [command]',
    });
  }

  const rest = words.slice(spec.words.length);
  // `help service show`: the topic is every word that follows.
  if (spec.words[0] === 'help') {
    return { kind: 'help', topic: rest.length > 0 ? rest.join(' ') : undefined };
  }
  const input = readArguments(spec, rest);
  const parsed = spec.schema.safeParse(input);
  if (!parsed.success) {
    throw new InputError({
      code: 'invalid_arguments',
      userMessage: describeIssues(spec, parsed.error),
      usage: spec.usage,
    });
  }
  return parsed.data;
}

/** The spec whose words the text starts with, preferring the longest match. */
export function findSpec(words: readonly string[]): CommandSpec | undefined {
  const lowered = words.map((w) => w.toLowerCase());
  return [...commandSpecs]
    .sort((a, b) => b.words.length - a.words.length)
    .find((spec) => spec.words.every((word, i) => lowered[i] === word));
}

/** Tokenizes; a tokenizing error still shows the usage of the command it started. */
function tokenizeWithUsage(text: string): string[] {
  try {
    return tokenize(text);
  } catch (error) {
    const before = text.split(/["'\u201C\u201D\u2018\u2019]/)[0] ?? '';
    const spec = findSpec(before.split(/\s+/).filter(Boolean));
    if (error instanceof InputError && spec !== undefined) {
      throw new InputError({
        code: error.code,
        userMessage: error.userMessage,
        usage: spec.usage,
        cause: error,
      });
    }
    throw error;
  }
}

function stripPrefix(text: string): string {
  // Teams and the console may include the bot's name or the `ml` keyword; Slack does not.
  return text.trim().replace(/^(\/ml|ml|@shipmate)\b\s*/i, '');
}

function readArguments(spec: CommandSpec, rest: string[]): Record<string, unknown> {
  const args = joinOptionValues(spec, rest);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: spec.options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new InputError({
      code: 'invalid_arguments',
      userMessage: optionProblem(error),
      usage: spec.usage,
      cause: error,
    });
  }

  const required = spec.positionals.filter((p) => !/\?(\.\.\.)?$/.test(p)).length;
  const variadic = spec.positionals.at(-1)?.endsWith('...') === true;
  if (!variadic && parsed.positionals.length > spec.positionals.length) {
    const extra = parsed.positionals.slice(spec.positionals.length).join(' ');
    throw new InputError({
      code: 'invalid_arguments',
      userMessage: `Unexpected \`${extra}\`.`,
      usage: spec.usage,
    });
  }
  if (parsed.positionals.length < required) {
    const missing = spec.positionals[parsed.positionals.length] ?? '';
    throw new InputError({
      code: 'invalid_arguments',
      userMessage: `Missing ${positionalLabel(spec, bare(missing))}.`,
      usage: spec.usage,
    });
  }

  const input: Record<string, unknown> = { ...parsed.values };
  spec.positionals.forEach((name, i) => {
    // `shares...` takes every word that is left, as a list.
    const value = name.endsWith('...') ? parsed.positionals.slice(i) : parsed.positionals[i];
    if (value !== undefined) input[bare(name)] = value;
  });
  return input;
}

/** A positional's key without its `?` (optional), `...` (the rest) or `?...` marks. */
function bare(name: string): string {
  return name.replace(/\??(\.\.\.)?$/, '');
}

/**
 * `--cpu -1` would read as two options; joining it to `--cpu=-1` lets the schema say what is
 * wrong with the value instead.
 */
function joinOptionValues(spec: CommandSpec, words: readonly string[]): string[] {
  const joined: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const option = word.startsWith('--') ? word.slice(2).split('=')[0] : undefined;
    if (option !== undefined && seen.has(option)) {
      throw new InputError({
        code: 'invalid_arguments',
        userMessage: `Option \`--${option}\` is given twice; give it once.`,
        usage: spec.usage,
      });
    }
    if (option !== undefined) seen.add(option);
    const name = word.startsWith('--') && !word.includes('=') ? word.slice(2) : undefined;
    const next = words[i + 1];
    const isValue = next !== undefined && !next.startsWith('--');
    if (name !== undefined && spec.options[name]?.type === 'string' && isValue) {
      joined.push(`${word}=${next}`);
      i += 1;
    } else {
      joined.push(word);
    }
  }
  return joined;
}

function optionProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `There is no option \`${unknown[1]}\` for this command.`;

  const needsValue = /Option '([^']+?)(?: <value>)?' argument (missing|is ambiguous)/.exec(message);
  if (needsValue) return `Option \`${needsValue[1]?.split(',').pop()?.trim()}\` needs a value.`;

  const takesNone = /Option '([^']+)' does not take an argument/.exec(message);
  if (takesNone) return `Option \`${takesNone[1]}\` takes no value.`;
  return 'The options are not in a form I understand.';
}

function describeIssues(spec: CommandSpec, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      // A rule over the whole command (nothing to change, say) has no value to name.
      if (issue.path.length === 0) return capitalize(issue.message);
      const key = String(issue.path[0] ?? '');
      const isOption = key in spec.options;
      const label = isOption ? `--${key}` : positionalLabel(spec, key);
      return `${label}: ${issue.message}`;
    })
    .join('\n');
}

/** How the usage line writes a positional: `<model>:<version>`, `<service>`. */
function positionalLabel(spec: CommandSpec, key: string): string {
  const index = spec.positionals.findIndex((p) => bare(p) === key);
  return spec.positionalLabels?.[index] ?? `<${key}>`;
}

function suggestion(words: readonly string[]): string {
  const first = words[0]?.toLowerCase() ?? '';
  const family = commandSpecs.filter((spec) => spec.words[0] === first);
  if (family.length === 0) return ' Type `help` for the list.';
  return ` Did you mean ${family.map((spec) => `\`${spec.usage}\``).join(' or ')}?`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
