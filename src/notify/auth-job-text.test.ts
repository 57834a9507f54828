import { describe, expect, it } from 'vitest';

import type { JobData } from '../queue/job-schemas.js';
import { describeJob } from './job-status-text.js';

const origin = {
  platform: 'slack' as const,
  userId: 'U024BE7LH',
  userName: 'ada',
  channelId: 'C0123',
  requestId: 'req-1',
  text: 'keys regen diabetes --key primary',
};
const describe_ = (data: JobData) => describeJob({ data });

describe('describeJob: keys and auth jobs', () => {
  it('names the key a regeneration replaces', () => {
    expect(describe_({ kind: 'keys.regen', origin, service: 'diabetes', key: 'secondary' })).toBe(
      'regenerate the secondary key of diabetes',
    );
  });

  it('names the auth a service switches to, and says plainly when auth goes off', () => {
    expect(describe_({ kind: 'service.auth', origin, service: 'diabetes', auth: 'token' })).toBe(
      'switch diabetes to token auth',
    );
    expect(describe_({ kind: 'service.auth', origin, service: 'diabetes', auth: 'none' })).toBe(
      'turn auth off for diabetes',
    );
  });
});
