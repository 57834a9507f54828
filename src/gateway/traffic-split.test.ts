import { describe, expect, it } from 'vitest';

import { versionSpec } from '../../test/support/version-spec.js';
import { trafficSplit, versionFor } from './traffic-split.js';
import { pickVersion, type RoutableVersion } from './version-picker.js';

function version(
  name: string,
  traffic: number | undefined,
  options: { isDefault?: boolean; ready?: boolean } = {},
): RoutableVersion {
  const spec = versionSpec(name, { isDefault: options.isDefault ?? false, traffic });
  return { spec, ports: options.ready === false ? [] : [7000] };
}

/** mulberry32: a small seeded generator, so the observed split is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Percent of `requests` picks that each version served. */
function observed(versions: RoutableVersion[], requests: number, seed = 42) {
  const random = seeded(seed);
  const counts = new Map<string, number>();
  for (let turn = 0; turn < requests; turn += 1) {
    const { version } = pickVersion('churn', versions, undefined, random(), turn);
    counts.set(version.spec.name, (counts.get(version.spec.name) ?? 0) + 1);
  }
  return Object.fromEntries(
    versions.map((v) => [v.spec.name, ((counts.get(v.spec.name) ?? 0) / requests) * 100]),
  );
}

function expectWithinOnePoint(actual: Record<string, number>, expected: Record<string, number>) {
  for (const [name, share] of Object.entries(expected)) {
    expect(
      Math.abs((actual[name] ?? 0) - share),
      `${name}: ${actual[name]} vs ${share}`,
    ).toBeLessThan(1);
  }
}

describe('traffic split', () => {
  it('serves 10,000 requests within 1 point of a 90/10 effective split', () => {
    const versions = [version('a', 20, { isDefault: true }), version('b', 10)];
    expectWithinOnePoint(observed(versions, 10_000), { a: 90, b: 10 });
  });

  it('serves 20,000 requests within 1 point of 20/80 when the default is second', () => {
    const versions = [version('a', 20), version('b', 40, { isDefault: true })];
    expectWithinOnePoint(observed(versions, 20_000, 7), { a: 20, b: 80 });
  });

  it('serves a three-way split with decimals within 1 point', () => {
    const versions = [
      version('a', 12.5, { isDefault: true }),
      version('b', 50),
      version('c', 37.5),
    ];
    expectWithinOnePoint(observed(versions, 10_000, 3), { a: 12.5, b: 50, c: 37.5 });
  });

  it('gives a lone version all the traffic whatever its percentile', () => {
    expect(observed([version('a', 20, { isDefault: true })], 1_000)).toEqual({ a: 100 });
  });

  it('sends nothing to a version that is not ready and gives its share to the default', () => {
    const versions = [
      version('a', 50, { isDefault: true }),
      version('b', 30, { ready: false }),
      version('c', 20),
    ];
    const shares = observed(versions, 10_000);
    expect(shares.b).toBe(0);
    expectWithinOnePoint(shares, { a: 80, c: 20 });
  });

  it('spreads the shares in proportion while the default is not ready', () => {
    const versions = [
      version('a', 40, { isDefault: true, ready: false }),
      version('b', 30),
      version('c', 10),
    ];
    const shares = observed(versions, 10_000);
    expect(shares.a).toBe(0);
    expectWithinOnePoint(shares, { b: 75, c: 25 });
  });

  it('lets ready versions assigned 0 % serve while no other version is ready', () => {
    const versions = [version('a', 100, { isDefault: true, ready: false }), version('b', 0)];
    expect(observed(versions, 100)).toEqual({ a: 0, b: 100 });
  });

  it('lands draws on the bounds of the shares, edges included', () => {
    const split = trafficSplit([version('a', 25, { isDefault: true }), version('b', 75)]);
    expect(versionFor(split, 0)?.spec.name).toBe('a');
    expect(versionFor(split, 0.2499)?.spec.name).toBe('a');
    expect(versionFor(split, 0.25)?.spec.name).toBe('b');
    expect(versionFor(split, 0.999999)?.spec.name).toBe('b');
  });

  it('has no version to offer when none is ready', () => {
    const split = trafficSplit([version('a', 50, { isDefault: true, ready: false })]);
    expect(versionFor(split, 0.5)).toBeUndefined();
  });
});
