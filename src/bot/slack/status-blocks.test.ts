import { describe, expect, it } from 'vitest';

import type { JobView } from '../../queue/job-view.js';
import { statusBlocks } from './status-blocks.js';

const view = (state: JobView['state'], open: boolean): JobView => ({
  id: 'abc123xyz0',
  state,
  data: {
    kind: 'service.delete',
    origin: {
      platform: 'slack',
      userId: 'U0ALICE',
      userName: 'alice',
      channelId: 'C1',
      requestId: 'r1',
      text: '/ml service delete diabetes',
    },
    service: 'diabetes',
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
    requestedBy: 'alice',
    change: ['service: diabetes on local (ready) → deleted'],
    approvers: 1,
    approvedBy: [],
    rejectedBy: open ? undefined : 'bob',
    withdrawn: false,
    reason: undefined,
    expiresAt: Date.now() + 60_000,
    open,
    from: ['*'],
    approvedByIds: [],
    alsoIn: [],
  },
});

describe('statusBlocks', () => {
  it('carries Approve and Reject buttons for the job while it awaits approval', () => {
    const blocks = statusBlocks(view('awaiting approval', true));

    expect(blocks[1]).toMatchObject({
      type: 'actions',
      elements: [
        { action_id: 'shipmate_approve', value: 'abc123xyz0' },
        { action_id: 'shipmate_reject', value: 'abc123xyz0' },
      ],
    });
    expect(JSON.stringify(blocks[0])).toContain('service: diabetes on local (ready) → deleted');
  });

  it('drops the buttons once the request is decided', () => {
    const blocks = statusBlocks(view('rejected', false));

    expect(blocks.map((b) => b.type)).toEqual(['section']);
    expect(JSON.stringify(blocks)).toContain('Rejected by bob');
  });

  it('shows a reject reason as typed, never as a mention of the whole channel', () => {
    const rejected = view('rejected', false);
    if (rejected.approval === undefined) throw new Error('no approval');
    rejected.approval.reason = 'no <!channel> & <@U0BOB>';

    const section = statusBlocks(rejected)[0];
    const text = section?.type === 'section' ? (section.text?.text ?? '') : '';
    expect(text).toContain('no &lt;!channel&gt; &amp; &lt;@U0BOB&gt;');
    expect(text).not.toContain('<!channel>');
  });
});
