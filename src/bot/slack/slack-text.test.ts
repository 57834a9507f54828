import { describe, expect, it } from 'vitest';

import { slackText } from './slack-text.js';

describe('slackText', () => {
  it('escapes what Slack would read as a mention, a link or an entity', () => {
    expect(slackText('reason: <!channel> & <@U0BOB> <https://x.test|click>')).toBe(
      'reason: &lt;!channel&gt; &amp; &lt;@U0BOB&gt; &lt;https://x.test|click&gt;',
    );
  });

  it('leaves the product’s own formatting alone', () => {
    const text = '`job 3fk2a9x1` — *awaiting approval*\n• versions: a 90 % → a 50 %';
    expect(slackText(text)).toBe(text);
  });
});
