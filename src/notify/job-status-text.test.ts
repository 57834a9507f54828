import { describe, expect, it } from 'vitest';

import type { JobStateWord, JobView } from '../queue/job-view.js';
import { describeJob, isFinal, jobStatusText } from './job-status-text.js';

const stateWords: JobStateWord[] = [
  'queued',
  'awaiting approval',
  'running',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
];

const origin = {
  platform: 'slack' as const,
  userId: 'U024BE7LH',
  userName: 'ada',
  channelId: 'C0123',
  requestId: 'req-1',
  text: 'deploy diabetes:1 --name diabetes',
};

const created = Date.UTC(2025, 0, 1, 12, 0, 0);

function view(overrides: Partial<JobView> = {}): JobView {
  return {
    id: '3fk2a9x1',
    state: 'queued',
    data: {
      kind: 'deploy',
      origin,
      service: 'diabetes',
      target: 'local',
      auth: 'key',
      version: {
        name: 'diabetes-1',
        models: [{ name: 'diabetes', version: '1' }],
        cpu: 0.1,
        memoryGb: 0.5,
        scale: { mode: 'auto', min: 1, max: 10, targetUtilization: 70 },
        scoringTimeoutMs: 60_000,
        isDefault: true,
      },
    },
    steps: [],
    failure: undefined,
    summary: undefined,
    attempt: 1,
    maxAttempts: 3,
    createdAt: created,
    startedAt: undefined,
    finishedAt: undefined,
    ...overrides,
  };
}

/** The SPEC state words that appear in the text. */
function statesIn(text: string): string[] {
  return stateWords.flatMap((word) => {
    const count = text.split(new RegExp(`\\b${word}\\b`)).length - 1;
    return Array<string>(count).fill(word);
  });
}

describe('jobStatusText', () => {
  it.each(stateWords)('names the job and exactly one state word when %s', (state) => {
    const text = jobStatusText(view({ state }), created);

    expect(text).toContain('job 3fk2a9x1');
    expect(statesIn(text)).toEqual([state]);
  });

  it('says what the job does and who asked', () => {
    const text = jobStatusText(view(), created);

    expect(text.split('\n')[0]).toBe('job 3fk2a9x1 — deploy diabetes:1 as diabetes — queued');
    expect(text).toContain('asked by ada');
  });

  it('names the asker by id when the platform gave no name', () => {
    const data = { ...view().data, origin: { ...origin, userName: '' } };

    expect(jobStatusText(view({ data }), created)).toContain('asked by U024BE7LH');
  });

  it('marks steps done with ✓, running with … and failed with ✗, with their detail', () => {
    const text = jobStatusText(
      view({
        state: 'running',
        startedAt: created,
        steps: [
          { name: 'check the model', state: 'done', detail: 'diabetes:1 found' },
          { name: 'start replicas', state: 'running' },
        ],
      }),
      created,
    );

    expect(text.split('\n').slice(1, 3)).toEqual([
      '✓ check the model — diabetes:1 found',
      '… start replicas',
    ]);
  });

  it('says why a failed job failed', () => {
    const text = jobStatusText(
      view({
        state: 'failed',
        steps: [{ name: 'check the model', state: 'failed' }],
        failure: 'Model diabetes:2 is not registered. Registered versions of diabetes: 1.',
        finishedAt: created + 2_000,
      }),
    );

    expect(text).toContain('✗ check the model');
    expect(text).toContain('Why: Model diabetes:2 is not registered.');
  });

  it('gives the summary of a job that succeeded', () => {
    const text = jobStatusText(
      view({
        state: 'succeeded',
        summary: 'Service diabetes answers at http://127.0.0.1:8080/api/v1/service/diabetes/score',
        finishedAt: created + 1_000,
      }),
    );

    expect(text).toContain('/api/v1/service/diabetes/score');
  });

  it('counts the time so far from the start while the job runs', () => {
    const text = jobStatusText(view({ state: 'running', startedAt: created }), created + 12_400);

    expect(text).toMatch(/· 12 s so far$/);
  });

  it('gives the total time since it was asked once the job has finished', () => {
    const text = jobStatusText(
      view({ state: 'succeeded', startedAt: created + 1_000, finishedAt: created + 31_000 }),
      created + 99_000,
    );

    // Counted from when it was asked, across queueing and retries.
    expect(text).toMatch(/· 31 s$/);
  });

  it('says which attempt a retried job is on', () => {
    const text = jobStatusText(view({ state: 'running', attempt: 2, maxAttempts: 3 }), created);

    expect(text.split('\n')[0]).toContain('running (attempt 2 of 3)');
  });

  it('describes a delete job', () => {
    const data = { kind: 'service.delete' as const, origin, service: 'diabetes' };

    expect(jobStatusText(view({ data }), created).split('\n')[0]).toBe(
      'job 3fk2a9x1 — delete service diabetes — queued',
    );
  });
});

describe('describeJob', () => {
  it('names every model of a deploy', () => {
    const base = view();
    if (base.data.kind !== 'deploy') throw new Error('expected a deploy');
    const models = [
      { name: 'diabetes', version: '1' },
      { name: 'scaler', version: '4' },
    ];
    const data = { ...base.data, version: { ...base.data.version, models } };

    expect(describeJob({ data })).toBe('deploy diabetes:1, scaler:4 as diabetes');
  });
});

describe('isFinal', () => {
  it('holds for succeeded, failed, rejected and cancelled only', () => {
    expect(stateWords.filter((state) => isFinal({ state }))).toEqual([
      'succeeded',
      'failed',
      'rejected',
      'cancelled',
    ]);
  });
});
