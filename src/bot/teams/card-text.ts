/** An Adaptive Card element, as the JSON Teams renders. */
export type CardElement = Record<string, unknown>;

/**
 * Shipmate's plain text as Adaptive Card elements: one RichTextBlock per line, `backticked`
 * parts in a monospace run. TextRuns are shown as they are, never read as markdown, so what a
 * user typed (a command, a reject reason) cannot turn into a link or formatting on a card
 * that others see.
 */
export function textElements(
  text: string,
  options: { firstLineBold?: boolean } = {},
): CardElement[] {
  return text.split('\n').map((line, index) => ({
    type: 'RichTextBlock',
    ...(index === 0 ? {} : { spacing: 'Small' }),
    inlines: runsOf(line === '' ? ' ' : line, options.firstLineBold === true && index === 0),
  }));
}

function runsOf(line: string, bold: boolean): CardElement[] {
  // An odd number of backticks leaves the last one as typed.
  const parts = line.split('`');
  const closed = parts.length % 2 === 1;
  return parts
    .map((part, index) => {
      const code = index % 2 === 1 && (closed || index < parts.length - 1);
      const text = code || index % 2 === 0 || closed ? part : `\`${part}`;
      return { text, code };
    })
    .filter((run) => run.text !== '')
    .map((run) => ({
      type: 'TextRun',
      text: run.text,
      ...(run.code ? { fontType: 'Monospace' } : {}),
      ...(bold ? { weight: 'Bolder' } : {}),
    }));
}

/** A card holding only text: how the bot answers in Teams. */
export function textCard(text: string): CardElement {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: textElements(text),
  };
}

/** The attachment of an Adaptive Card in an activity. */
export function cardAttachment(card: CardElement): { contentType: string; content: unknown } {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}
