import { readFile } from 'node:fs/promises';

import { LineCounter, parseDocument } from 'yaml';

import { InputError } from '../platform/errors.js';
import { Policy } from './policy.js';
import { policyFile } from './policy-schema.js';

/**
 * Reads the policy file (YAML, or JSON, which YAML reads too). Any problem stops start-up with
 * one line naming the file, the line and the reason; without a file the built-in policy holds.
 */
export async function loadPolicy(file: string | undefined): Promise<LoadedPolicy> {
  if (file === undefined) return { policy: new Policy(), text: null, source: 'built-in' };

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw policyError(`SHIPMATE_POLICY: cannot read ${file} (${reason})`, error);
  }
  return { policy: parsePolicy(text, file), text, source: file };
}

/** A policy with the text it came from (null: the built-in one), to share with `say`. */
export interface LoadedPolicy {
  policy: Policy;
  text: string | null;
  source: string;
}

/** Parses policy text; `source` names it in errors. */
export function parsePolicy(text: string, source: string): Policy {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax !== undefined) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw policyError(`SHIPMATE_POLICY: ${source} line ${line}: ${firstLine(syntax.message)}`);
  }

  let value: unknown;
  try {
    value = document.toJS() ?? {};
  } catch (error) {
    // An alias to an anchor that is not there, say: the YAML parses but means nothing.
    const reason = error instanceof Error ? error.message : String(error);
    throw policyError(`SHIPMATE_POLICY: ${source}: ${firstLine(reason)}`, error);
  }
  const parsed = policyFile.safeParse(value);
  if (parsed.success) return new Policy(parsed.data);

  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).filter(
    (p): p is string | number => typeof p === 'string' || typeof p === 'number',
  );
  const line = lineOf(document, lines, path);
  const where = path.length > 0 ? ` (${path.join('.')})` : '';
  throw policyError(
    `SHIPMATE_POLICY: ${source} line ${line}${where}: ${issue?.message ?? 'invalid'}`,
  );
}

/** The line of the deepest node along the path that exists in the document. */
function lineOf(
  document: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: readonly (string | number)[],
): number {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown =
      depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
  }
  return 1;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function policyError(message: string, cause?: unknown): InputError {
  return new InputError({ code: 'policy_invalid', userMessage: message, cause });
}
