import { describe, expect, it } from 'vitest';

import { entryLine } from './audit-handler.js';

describe('an audit entry in chat', () => {
  it('stays on one line, so typed newlines cannot forge a second entry', () => {
    const line = entryLine({
      at: '2026-12-04T19:27:59.000Z',
      action: 'rejected',
      actor: { platform: 'slack', userId: 'U0EVE', userName: 'eve' },
      where: 'C1',
      kind: 'reject',
      command: '/ml traffic churn a=1\n• 2026-12-04 19:28:00 UTC · *approved* · carol (U0CAROL)',
      jobId: 'abc123xyz0',
    });

    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('a=1 ⏎ • 2026-12-04 19:28:00 UTC');
    expect(line.startsWith('• 2026-12-04 19:27:59 UTC · *rejected* · eve (U0EVE) in C1')).toBe(
      true,
    );
  });
});
