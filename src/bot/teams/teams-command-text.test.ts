import { describe, expect, it } from 'vitest';

import type { Activity } from 'botbuilder';

import { teamsCommandText } from './teams-command-text.js';

const bot = { id: '28:bot-app-id', name: 'Shipmate' };
const mention = {
  type: 'mention',
  mentioned: bot,
  text: '<at>Shipmate</at>',
};
const message = (text: string, conversationType = 'channel', entities: object[] = []) =>
  ({
    type: 'message',
    text,
    recipient: bot,
    conversation: { id: '19:abc@thread.tacv2', conversationType, isGroup: true, name: '' },
    entities,
  }) as Partial<Activity>;

describe('teamsCommandText', () => {
  it('runs what follows an @mention of the bot, with or without ml', () => {
    expect(teamsCommandText(message('<at>Shipmate</at> service list', 'channel', [mention]))).toBe(
      'service list',
    );
    expect(teamsCommandText(message('<at>Shipmate</at>&nbsp;ml help', 'channel', [mention]))).toBe(
      'help',
    );
  });

  it('runs a message that starts with ml, mentioned or not', () => {
    expect(teamsCommandText(message('ml deploy diabetes:1 --name diabetes'))).toBe(
      'deploy diabetes:1 --name diabetes',
    );
    expect(teamsCommandText(message('ML   jobs --mine'))).toBe('jobs --mine');
  });

  it('answers help for a bare mention or a bare ml', () => {
    expect(teamsCommandText(message('<at>Shipmate</at>', 'channel', [mention]))).toBe('help');
    expect(teamsCommandText(message('ml'))).toBe('help');
  });

  it('ignores channel chatter that neither mentions the bot nor starts with ml', () => {
    expect(teamsCommandText(message('mlops standup at ten'))).toBeUndefined();
    expect(teamsCommandText(message('deploy it please'))).toBeUndefined();
  });

  it('takes every message in the personal chat as a command', () => {
    expect(teamsCommandText(message('keys show diabetes', 'personal'))).toBe('keys show diabetes');
  });

  it('gives the text back as typed, entities decoded', () => {
    expect(teamsCommandText(message('ml reject abc123 "too &amp; risky &lt;now&gt;"'))).toBe(
      'reject abc123 "too & risky <now>"',
    );
  });
});
