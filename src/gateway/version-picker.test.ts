import { describe, expect, it } from 'vitest';

import type { VersionSpec } from '../registry/service-record.js';
import { GatewayError } from './gateway-error.js';
import { pickVersion, type RoutableVersion } from './version-picker.js';

function version(
  name: string,
  ports: number[],
  isDefault = false,
  traffic?: number,
): RoutableVersion {
  const spec: VersionSpec = {
    name,
    models: [{ name: 'diabetes', version: '1' }],
    cpu: 0.1,
    memoryGb: 0.5,
    scale: { mode: 'fixed', replicas: ports.length || 1 },
    scoringTimeoutMs: 60_000,
    isDefault,
    traffic,
  };
  return { spec, ports };
}

function failure(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('pickVersion', () => {
  const blue = version('blue', [7001, 7002], true);
  const green = version('green', [7101]);

  it('sends a request without a pinned version to the default version', () => {
    const picked = pickVersion('diabetes', [green, blue], undefined, 0, 0);

    expect(picked.version.spec.name).toBe('blue');
    expect(picked.port).toBe(7001);
  });

  it('takes the replicas of a version in turn', () => {
    const ports = [0, 1, 2, 3].map(
      (turn) => pickVersion('diabetes', [blue], undefined, 0, turn).port,
    );

    expect(ports).toEqual([7001, 7002, 7001, 7002]);
  });

  it('sends a request to the version named by azureml-model-deployment', () => {
    const picked = pickVersion('diabetes', [blue, green], 'green', 0, 5);

    expect(picked.version.spec.name).toBe('green');
    expect(picked.port).toBe(7101);
  });

  it('falls back to a ready version while the default has no replica ready', () => {
    const starting = version('blue', [], true);

    expect(pickVersion('diabetes', [starting, green], undefined, 0, 0).version.spec.name).toBe(
      'green',
    );
  });

  it('answers 404 naming the known versions for an unknown pinned version', () => {
    const error = failure(() => pickVersion('diabetes', [blue, green], 'red', 0, 0));

    expect(error.status).toBe(404);
    expect(error.code).toBe('VersionNotFound');
    expect(error.message).toContain('diabetes');
    expect(error.message).toContain('red');
    expect(error.message).toContain('blue, green');
  });

  it('answers 503 when the pinned version has no replica ready', () => {
    const error = failure(() =>
      pickVersion('diabetes', [blue, version('green', [])], 'green', 0, 0),
    );

    expect(error.status).toBe(503);
    expect(error.code).toBe('NoVersionReady');
  });

  it('answers 503 naming the service when no version is ready', () => {
    const error = failure(() =>
      pickVersion('diabetes', [version('blue', [], true), version('green', [])], undefined, 0, 0),
    );

    expect(error.status).toBe(503);
    expect(error.code).toBe('NoVersionReady');
    expect(error.message).toContain('diabetes');
  });

  it('answers 503 for a service with no versions at all', () => {
    expect(failure(() => pickVersion('diabetes', [], undefined, 0, 0)).status).toBe(503);
  });
});
