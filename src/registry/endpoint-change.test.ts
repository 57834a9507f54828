import { describe, expect, it } from 'vitest';

import { versionSpec } from '../../test/support/version-spec.js';
import { isShipmateError } from '../platform/errors.js';
import { applyEndpointChange, type EndpointChange } from './endpoint-change.js';
import type { VersionSpec } from './service-record.js';
import { effectiveShares } from './traffic-shares.js';

const version = versionSpec;

function shares(versions: VersionSpec[]): Record<string, number> {
  return Object.fromEntries(effectiveShares(versions));
}

/** The user message of the refusal a change meets. */
function refusal(current: VersionSpec[], change: EndpointChange): string {
  try {
    applyEndpointChange('churn', current, change);
  } catch (error) {
    if (isShipmateError(error) && error.code === 'endpoint_rule') return error.userMessage;
    throw error;
  }
  throw new Error('the change was accepted');
}

describe('effective shares', () => {
  it('gives a lone version at 20 % all of the traffic', () => {
    expect(shares([version('a', { traffic: 20, isDefault: true })])).toEqual({ a: 100 });
  });

  it('gives the default its own share plus the unassigned rest', () => {
    const versions = [
      version('a', { traffic: 20, isDefault: true }),
      version('b', { traffic: 10 }),
    ];
    expect(shares(versions)).toEqual({ a: 90, b: 10 });
  });

  it('gives the rest to the default even when it is not the first version', () => {
    const versions = [
      version('a', { traffic: 20 }),
      version('b', { traffic: 40, isDefault: true }),
    ];
    expect(shares(versions)).toEqual({ a: 20, b: 80 });
  });

  it('counts a version without a percentile as 0 %', () => {
    const versions = [version('a', { isDefault: true }), version('b')];
    expect(shares(versions)).toEqual({ a: 100, b: 0 });
  });

  it('adds decimal percentiles exactly', () => {
    const versions = [
      version('a', { traffic: 33.3, isDefault: true }),
      version('b', { traffic: 33.3 }),
      version('c', { traffic: 33.4 }),
    ];
    expect(shares(versions)).toEqual({ a: 33.3, b: 33.3, c: 33.4 });
  });
});

describe('applyEndpointChange', () => {
  const ab = [version('a', { traffic: 20, isDefault: true }), version('b', { traffic: 10 })];

  it('refuses percentiles that sum past 100 and leaves the versions as they were', () => {
    const current = [version('a', { isDefault: true }), version('b')];
    const snapshot = structuredClone(current);
    const message = refusal(current, {
      op: 'traffic',
      shares: [
        { version: 'a', traffic: 60 },
        { version: 'b', traffic: 60 },
      ],
    });
    expect(message).toContain('must sum to at most 100 %; this change makes them 120 %');
    expect(message).toContain('Current table of churn:');
    expect(message).toContain('`a` diabetes:1 — serves 100 % (assigned none) · default');
    expect(current).toEqual(snapshot);
  });

  it('sets the named percentiles and keeps the others', () => {
    const three = [...ab, version('c', { traffic: 5 })];
    const next = applyEndpointChange('churn', three, {
      op: 'traffic',
      shares: [
        { version: 'b', traffic: 50 },
        { version: 'a', traffic: 40 },
      ],
    });
    expect(next.map((v) => [v.name, v.traffic])).toEqual([
      ['a', 40],
      ['b', 50],
      ['c', 5],
    ]);
    expect(shares(next)).toEqual({ a: 45, b: 50, c: 5 });
  });

  it('refuses a traffic shift naming a version twice or one that does not exist', () => {
    expect(
      refusal(ab, {
        op: 'traffic',
        shares: [
          { version: 'a', traffic: 10 },
          { version: 'a', traffic: 20 },
        ],
      }),
    ).toContain('a is named twice');
    expect(refusal(ab, { op: 'traffic', shares: [{ version: 'zz9', traffic: 10 }] })).toContain(
      'Endpoint churn has no version zz9.',
    );
  });

  it('adds a version and moves the default to it when asked', () => {
    const next = applyEndpointChange('churn', ab, {
      op: 'version.add',
      version: version('c', { traffic: 30, isDefault: true }),
    });
    expect(next.filter((v) => v.isDefault).map((v) => v.name)).toEqual(['c']);
    expect(shares(next)).toEqual({ a: 20, b: 10, c: 70 });
  });

  it('refuses a seventh version', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) => version(n, { isDefault: i === 0 }));
    expect(refusal(six, { op: 'version.add', version: version('g') })).toContain(
      'An endpoint holds at most 6 versions; churn has 6.',
    );
  });

  it('refuses a version name that is taken', () => {
    expect(refusal(ab, { op: 'version.add', version: version('b') })).toContain(
      'There is already a version named b',
    );
  });

  it('refuses a second control and names the current one', () => {
    const withControl = [version('a', { isDefault: true, role: 'control' }), version('b')];
    const message = refusal(withControl, {
      op: 'version.update',
      version: 'b',
      makeDefault: false,
      role: 'control',
    });
    expect(message).toContain('At most one version is the control, and a already is.');
    expect(message).toContain('endpoint version update churn a --treatment');
  });

  it('lets any number of versions be treatments', () => {
    const next = [
      { version: 'a', role: 'control' as const },
      { version: 'b', role: 'treatment' as const },
    ].reduce(
      (versions, change) =>
        applyEndpointChange('churn', versions, {
          op: 'version.update',
          makeDefault: false,
          ...change,
        }),
      [...ab, version('c', { role: 'treatment' })],
    );
    expect(next.map((v) => v.role)).toEqual(['control', 'treatment', 'treatment']);
  });

  it('moves the default with update --default, leaving exactly one default', () => {
    const next = applyEndpointChange('churn', ab, {
      op: 'version.update',
      version: 'b',
      makeDefault: true,
    });
    expect(next.map((v) => [v.name, v.isDefault])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(shares(next)).toEqual({ a: 20, b: 80 });
  });

  it('refuses to delete the default while other versions remain', () => {
    expect(refusal(ab, { op: 'version.delete', version: 'a' })).toContain(
      'a is the default version. Name the new default in the same command',
    );
  });

  it('deletes the default when another is made default in the same command', () => {
    const next = applyEndpointChange('churn', ab, {
      op: 'version.delete',
      version: 'a',
      newDefault: 'b',
    });
    expect(next.map((v) => [v.name, v.isDefault])).toEqual([['b', true]]);
    expect(shares(next)).toEqual({ b: 100 });
  });

  it('refuses a new default that is the deleted version or does not exist', () => {
    expect(refusal(ab, { op: 'version.delete', version: 'a', newDefault: 'a' })).toContain(
      'cannot be the new default',
    );
    expect(refusal(ab, { op: 'version.delete', version: 'a', newDefault: 'c99' })).toContain(
      'has no version c99',
    );
  });

  it('refuses a new default when the version deleted is not the default', () => {
    expect(refusal(ab, { op: 'version.delete', version: 'b', newDefault: 'a' })).toContain(
      'b is not the default version, so there is no default to replace.',
    );
  });

  it('deletes a treatment and gives its share back to the default', () => {
    const next = applyEndpointChange('churn', ab, { op: 'version.delete', version: 'b' });
    expect(shares(next)).toEqual({ a: 100 });
  });

  it('answers an empty endpoint when the last version is deleted', () => {
    const one = [version('a', { isDefault: true })];
    expect(applyEndpointChange('churn', one, { op: 'version.delete', version: 'a' })).toEqual([]);
  });

  it('replaces the model and sizes of one version on service update', () => {
    const next = applyEndpointChange('churn', ab, {
      op: 'service.update',
      version: 'a',
      models: [{ name: 'diabetes', version: '2' }],
      cpu: 0.5,
    });
    expect(next[0]).toMatchObject({ models: [{ name: 'diabetes', version: '2' }], cpu: 0.5 });
    expect(next[1]).toEqual(ab[1]);
  });

  it('refuses to update a version that does not exist', () => {
    expect(
      refusal(ab, { op: 'version.update', version: 'zz9', makeDefault: false, traffic: 5 }),
    ).toContain('Endpoint churn has no version zz9.');
  });
});
