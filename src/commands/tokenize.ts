import { InputError } from '../platform/errors.js';

/**
 * Splits chat text into words the way a shell would for plain quoting: "a b" and 'a b' are
 * one word. Chat clients turn straight quotes into curly ones, so those count too, and `--`
 * into a dash (— or –), which counts as `--` where an option starts.
 */
export function tokenize(text: string): string[] {
  const normalized = text
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/(^|\s)[\u2013\u2014](?=[a-z])/g, '$1--');
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;

  for (const char of normalized) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }

  if (quote !== undefined) {
    throw new InputError({
      code: 'unclosed_quote',
      userMessage: `A ${quote} quote is not closed.`,
    });
  }
  if (inWord) words.push(current);
  return words;
}
