/** An Adaptive Card element, as the JSON Teams renders. */
export type CardElement = Record<string, unknown>;

/**
 * Shipmate's plain text as Adaptive Card elements: one RichTextBlock per line, `backticked`
 * parts and ``` fenced lines in monospace runs, `*state*` words bold. TextRuns are shown as
 * they are, never read as markdown, so what a user typed (a command, a reject reason) cannot
 * turn into a link or formatting on a card that others see.
 */
export function textElements(
  text: string,
  options: { firstLineBold?: boolean } = {},
): CardElement[] {
  const elements: CardElement[] = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '```') {
      fenced = !fenced;
      return;
    }
    const bold = options.firstLineBold === true && index === 0;
    const runs = fenced
      ? [{ type: 'TextRun', text: line === '' ? ' ' : line, fontType: 'Monospace' }]
      : runsOf(line === '' ? ' ' : line, bold);
    elements.push({
      type: 'RichTextBlock',
      ...(elements.length === 0 ? {} : { spacing: 'Small' }),
      inlines: runs,
    });
  });
  return elements;
}

function runsOf(line: string, bold: boolean): CardElement[] {
  // An odd number of backticks leaves the last one as typed.
  const parts = line.split('`');
  const closed = parts.length % 2 === 1;
  return parts
    .flatMap((part, index) => {
      const code = index % 2 === 1 && (closed || index < parts.length - 1);
      if (code) return [{ text: part, code, strong: false }];
      const text = index % 2 === 0 || closed ? part : `\`${part}`;
      // Slack's `*word*` emphasis (audit actions) as bold, not as stray asterisks.
      return text
        .split(/(?<!\*)\*([a-z][a-z ]*[a-z])\*(?!\*)/)
        .map((piece, i) => ({ text: piece, code: false, strong: i % 2 === 1 }));
    })
    .filter((run) => run.text !== '')
    .map((run) => ({
      type: 'TextRun',
      text: run.text,
      ...(run.code ? { fontType: 'Monospace' } : {}),
      ...(bold || run.strong ? { weight: 'Bolder' } : {}),
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

/**
 * A message holding one text card. The summary is what a notification or the chat list shows
 * instead of "Card": the first line, unless the text must not be previewed (a key).
 */
export function textActivity(
  text: string,
  summary = text.split('\n')[0]?.slice(0, 200) ?? '',
): { type: 'message'; summary: string; attachments: Array<ReturnType<typeof cardAttachment>> } {
  return { type: 'message', summary, attachments: [cardAttachment(textCard(text))] };
}
