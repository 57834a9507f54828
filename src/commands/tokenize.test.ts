import { describe, expect, it } from 'vitest';

import { InputError } from '../platform/errors.js';
import { tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('splits on any run of whitespace', () => {
    expect(tokenize('  deploy\tdiabetes:1 \n --name  diabetes ')).toEqual([
      'deploy',
      'diabetes:1',
      '--name',
      'diabetes',
    ]);
  });

  it('gives nothing for blank text', () => {
    expect(tokenize(' \t ')).toEqual([]);
  });

  it('keeps double- and single-quoted words together without their quotes', () => {
    expect(tokenize('a "b c" \'d e\' f')).toEqual(['a', 'b c', 'd e', 'f']);
  });

  it('joins quoted and plain parts that touch into one word', () => {
    expect(tokenize('--reason="too slow"!')).toEqual(['--reason=too slow!']);
  });

  it('keeps an empty quoted word', () => {
    expect(tokenize('x "" y')).toEqual(['x', '', 'y']);
  });

  it('keeps the other kind of quote inside a quoted word', () => {
    expect(tokenize('say "it\'s fine"')).toEqual(['say', "it's fine"]);
  });

  it('reads the curly quotes chat clients type as straight ones', () => {
    expect(tokenize('\u201Cb c\u201D \u2018d e\u2019')).toEqual(['b c', 'd e']);
  });

  it('refuses a double quote that is never closed', () => {
    let caught: unknown;
    try {
      tokenize('deploy "diabetes');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).code).toBe('unclosed_quote');
    expect((caught as InputError).userMessage).toBe('A " quote is not closed.');
  });

  it("refuses a single quote that is never closed, naming the quote '", () => {
    expect(() => tokenize("it's")).toThrow("A ' quote is not closed.");
  });

  it('refuses a curly quote that is never closed', () => {
    expect(() => tokenize('\u201Cdiabetes')).toThrow('A " quote is not closed.');
  });

  it('reads a dash a chat client made of -- as --, where an option starts', () => {
    expect(tokenize('traffic a \u2014traffic 10 \u2013default x\u2014y')).toEqual([
      'traffic',
      'a',
      '--traffic',
      '10',
      '--default',
      'x\u2014y',
    ]);
  });
});
