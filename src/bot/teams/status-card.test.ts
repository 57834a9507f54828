import { describe, expect, it } from 'vitest';

import type { JobView } from '../../queue/job-view.js';
import { textElements } from './card-text.js';
import { cardVerbs, statusCard } from './status-card.js';
import { buttonsFor } from './teams-approvers.js';

const alice = '00000000-0000-4000-8000-00000000a11c';
const bob = '00000000-0000-4000-8000-000000000b0b';
const carol = '00000000-0000-4000-8000-0000000ca201';

function view(open: boolean, extra: Partial<NonNullable<JobView['approval']>> = {}): JobView {
  return {
    id: 'abc123def4',
    state: open ? 'awaiting approval' : 'rejected',
    data: {
      kind: 'service.delete',
      service: 'diabetes',
      origin: {
        platform: 'teams',
        userId: alice,
        userName: 'Alice',
        channelId: '19:abc@thread.tacv2',
        requestId: 'r1',
        text: 'ml service delete diabetes',
      },
    },
    steps: [],
    failure: undefined,
    summary: undefined,
    attempt: 1,
    maxAttempts: 1,
    createdAt: Date.now(),
    startedAt: undefined,
    finishedAt: undefined,
    approval: {
      requestedBy: 'Alice',
      change: ['service: diabetes on local (ready) → deleted'],
      approvers: 1,
      approvedBy: [],
      rejectedBy: open ? undefined : 'Bob',
      withdrawn: false,
      reason: open ? undefined : '[click me](https://evil.example) **now**',
      expiresAt: Date.now() + 60_000,
      open,
      from: [bob, carol],
      approvedByIds: [],
      alsoIn: [],
      ...extra,
    },
  };
}

const texts = (card: Record<string, unknown>): string =>
  JSON.stringify(card.body).replaceAll('\\"', '"');

describe('statusCard', () => {
  it('shows the status to everyone and names the approvers for their own view', () => {
    const card = statusCard(view(true), { refreshUserIds: ['29:bob', '29:carol'] });

    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(card.actions).toBeUndefined();
    expect(card.refresh).toEqual({
      action: {
        type: 'Action.Execute',
        title: 'Refresh',
        verb: cardVerbs.refresh,
        data: { jobId: 'abc123def4' },
      },
      userIds: ['29:bob', '29:carol'],
    });
    expect(texts(card)).toContain('awaiting approval');
  });

  it('gives an approver Approve and Reject, executed on the server with the job id', () => {
    const card = statusCard(view(true), { buttons: 'decide', refreshUserIds: ['29:bob'] });

    expect(card.actions).toEqual([
      expect.objectContaining({ verb: cardVerbs.approve, data: { jobId: 'abc123def4' } }),
      expect.objectContaining({ verb: cardVerbs.reject, data: { jobId: 'abc123def4' } }),
    ]);
  });

  it('drops buttons and refresh once the request is decided, and says who decided', () => {
    const card = statusCard(view(false), { buttons: 'decide', refreshUserIds: ['29:bob'] });

    expect(card.actions).toBeUndefined();
    expect(card.refresh).toBeUndefined();
    expect(texts(card)).toContain('Rejected by Bob');
  });

  it('tells a withdrawal from a rejection by who rejected, not by their display name', () => {
    const namesake = view(false, { rejectedBy: 'Alice', withdrawn: false, reason: undefined });
    expect(texts(statusCard(namesake))).toContain('Rejected by Alice');
    const own = view(false, { rejectedBy: 'Alice', withdrawn: true, reason: undefined });
    expect(texts(statusCard(own))).toContain('Withdrawn by Alice');
  });

  it('never lets Teams read what a user typed as markdown', () => {
    const card = statusCard(view(false));
    const blocks = card.body as Array<{ type: string; inlines: Array<{ type: string }> }>;

    expect(blocks.every((b) => b.type === 'RichTextBlock')).toBe(true);
    expect(blocks.flatMap((b) => b.inlines).every((run) => run.type === 'TextRun')).toBe(true);
    expect(texts(card)).toContain('[click me](https://evil.example) **now**');
  });

  it('caps the people with their own view at the 60 Teams allows', () => {
    const ids = Array.from({ length: 80 }, (_, i) => `29:user-${i}`);
    const card = statusCard(view(true), { refreshUserIds: ids });
    expect((card.refresh as { userIds: string[] }).userIds).toHaveLength(60);
  });
});

describe('textElements', () => {
  it('shows fenced lines in monospace without the fences, and *state* words bold', () => {
    const elements = textElements('Last 2 log lines:\n```\nloaded *model*\nready\n```\n*failed*');
    expect(elements).toHaveLength(4);
    expect(elements[1]?.inlines).toEqual([
      { type: 'TextRun', text: 'loaded *model*', fontType: 'Monospace' },
    ]);
    expect(elements[3]?.inlines).toEqual([{ type: 'TextRun', text: 'failed', weight: 'Bolder' }]);
  });

  it('sets backticked words in monospace and leaves a lone backtick as typed', () => {
    const [line] = textElements('run `ml help` now `odd');
    expect(line?.inlines).toEqual([
      { type: 'TextRun', text: 'run ' },
      { type: 'TextRun', text: 'ml help', fontType: 'Monospace' },
      { type: 'TextRun', text: ' now ' },
      { type: 'TextRun', text: '`odd' },
    ]);
  });
});

describe('buttonsFor', () => {
  it('gives buttons to approvers the policy names who have not voted yet', () => {
    expect(buttonsFor(view(true), bob)).toBe('decide');
    expect(buttonsFor(view(true, { approvedByIds: [bob], approvers: 2 }), bob)).toBe('none');
  });

  it('lets the requester withdraw but never approve', () => {
    expect(buttonsFor(view(true, { from: ['*'] }), alice)).toBe('withdraw');
  });

  it('gives nothing to people the policy does not name, or once decided', () => {
    expect(buttonsFor(view(true), '00000000-0000-4000-8000-0000000e7e00')).toBe('none');
    expect(buttonsFor(view(false), bob)).toBe('none');
  });
});
