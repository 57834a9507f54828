import { describe, expect, it } from 'vitest';

import type { ServiceRecord } from '../registry/service-record.js';
import { changeText, describeAnyChange, describeChange } from './change-describers.js';

const version = {
  models: [{ name: 'diabetes', version: '1' }],
  cpu: 0.1,
  memoryGb: 0.5,
  scale: { mode: 'auto' as const, min: 1, max: 10, targetUtilization: 70 },
  scoringTimeoutMs: 60_000,
};
const current: ServiceRecord = {
  name: 'diabetes',
  target: 'local',
  auth: 'key',
  versions: [
    { ...version, name: 'blue', isDefault: true, traffic: 20 },
    { ...version, name: 'green', isDefault: false, traffic: 30 },
  ],
  state: 'ready',
  createdBy: 'alice',
  createdAt: '2026-12-04T00:00:00.000Z',
  updatedAt: '2026-12-04T00:00:00.000Z',
  jobId: 'j1',
};
const origin = {
  platform: 'slack' as const,
  userId: 'U0ALICE',
  userName: 'alice',
  channelId: 'C1',
  requestId: 'r1',
  text: '/ml traffic diabetes green=50',
};

describe('change describers', () => {
  it('shows effective shares: the default version also serves the unassigned rest', () => {
    const lines = changeText(
      describeChange({ kind: 'service.delete', origin, service: 'diabetes' }, current),
    );

    expect(lines).toContain('versions: blue (diabetes:1) 70 %, green (diabetes:1) 30 % → none');
  });

  it('falls back to the service as it is and the command as typed for other kinds', () => {
    const lines = changeText(
      describeAnyChange({ kind: 'service.delete', origin, service: 'diabetes' }, current),
    );

    expect(lines[0]).toBe(
      'service: diabetes on local (ready) → as asked: /ml traffic diabetes green=50',
    );
  });

  it('shows a traffic shift as the shares before and after it', () => {
    const lines = changeText(
      describeChange(
        {
          kind: 'traffic',
          origin,
          service: 'diabetes',
          change: { op: 'traffic', shares: [{ version: 'green', traffic: 50 }] },
        },
        current,
      ),
    );

    expect(lines).toEqual([
      'versions: blue (diabetes:1) 70 %, green (diabetes:1) 30 % → ' +
        'blue (diabetes:1) 50 %, green (diabetes:1) 50 %',
    ]);
  });

  it("shows a service update's new model and resources of the version it replaces", () => {
    const lines = changeText(
      describeChange(
        {
          kind: 'service.update',
          origin,
          service: 'diabetes',
          change: {
            op: 'service.update',
            version: 'blue',
            models: [{ name: 'diabetes', version: '2' }],
            scale: { mode: 'fixed', replicas: 2 },
          },
        },
        current,
      ),
    );

    expect(lines).toEqual([
      'versions: blue (diabetes:1) 70 %, green (diabetes:1) 30 % → ' +
        'blue (diabetes:2) 70 %, green (diabetes:1) 30 %',
      'resources of blue: cpu 0.1 · memory 0.5 GB · autoscale 1-10 → ' +
        'cpu 0.1 · memory 0.5 GB · 2 replica(s)',
    ]);
  });

  it('shows an auth switch as before → after', () => {
    const lines = changeText(
      describeChange({ kind: 'service.auth', origin, service: 'diabetes', auth: 'none' }, current),
    );

    expect(lines).toEqual(['auth: key → none']);
  });
});
