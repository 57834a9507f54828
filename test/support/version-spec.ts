import type { VersionSpec } from '../../src/registry/service-record.js';

/** A version of the diabetes sample with Azure ML's default sizes and one fixed replica. */
export function versionSpec(name: string, extra: Partial<VersionSpec> = {}): VersionSpec {
  return {
    name,
    models: [{ name: 'diabetes', version: '1' }],
    cpu: 0.1,
    memoryGb: 0.5,
    scale: { mode: 'fixed', replicas: 1 },
    scoringTimeoutMs: 60_000,
    isDefault: false,
    ...extra,
  };
}
