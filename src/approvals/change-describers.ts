import type { JobData } from '../queue/job-schemas.js';
import { applyEndpointChange } from '../registry/endpoint-change.js';
import { formatModelRef } from '../registry/names.js';
import type { ServiceRecord, VersionSpec } from '../registry/service-record.js';
import { effectiveShares, formatPercent } from '../registry/traffic-shares.js';

/** One thing a change alters: `auth: key → none`. */
export interface ChangeLine {
  what: string;
  before: string;
  after: string;
}

/** Says what a job will change, given the service as it is now (undefined: none yet). */
export type ChangeDescriber = (data: JobData, current: ServiceRecord | undefined) => ChangeLine[];

/**
 * Describers by job kind. A kind without one gets {@link describeAnyChange}: the service as it
 * is, and the command as typed. Add one here for a new job kind to show its before → after.
 */
export const changeDescribers: Partial<Record<string, ChangeDescriber>> = {
  deploy: (data, current) => {
    if (data.kind !== 'deploy') return describeAnyChange(data, current);
    const before = current === undefined ? undefined : summarize(current);
    return [
      {
        what: 'service',
        before: before?.service ?? 'none',
        after: `${data.service} on ${data.target}`,
      },
      { what: 'versions', before: before?.versions ?? 'none', after: versionText([data.version]) },
      { what: 'resources', before: before?.resources ?? 'none', after: resources(data.version) },
      { what: 'auth', before: before?.auth ?? 'none', after: data.auth },
    ];
  },
  'service.delete': (data, current) => {
    const before = current === undefined ? undefined : summarize(current);
    return [
      { what: 'service', before: before?.service ?? 'none', after: 'deleted' },
      { what: 'versions', before: before?.versions ?? 'none', after: 'none' },
    ];
  },
  'service.update': describeEndpointChange,
  'endpoint.version.add': describeEndpointChange,
  'endpoint.version.update': describeEndpointChange,
  'endpoint.version.delete': describeEndpointChange,
  traffic: describeEndpointChange,
  'keys.regen': (data, current) => {
    if (data.kind !== 'keys.regen') return describeAnyChange(data, current);
    return [
      {
        what: `${data.key} key`,
        before: 'the current key (refused once the job succeeds)',
        after: 'a new key, sent only to the person who asked',
      },
    ];
  },
  'service.auth': (data, current) => {
    if (data.kind !== 'service.auth') return describeAnyChange(data, current);
    return [{ what: 'auth', before: current?.auth ?? 'none', after: data.auth }];
  },
};

/** Versions and shares before and after, and the default version's resources when they move. */
function describeEndpointChange(data: JobData, current: ServiceRecord | undefined): ChangeLine[] {
  if (current === undefined || !('change' in data)) return describeAnyChange(data, current);

  let after: VersionSpec[];
  try {
    after = applyEndpointChange(current.name, current.versions, data.change);
  } catch {
    // The endpoint moved on since it was asked; the worker checks the rules again.
    return describeAnyChange(data, current);
  }
  const lines: ChangeLine[] = [
    {
      what: 'versions',
      before: versionText(current.versions),
      after: after.length === 0 ? 'none (the endpoint is deleted)' : versionText(after),
    },
  ];
  const changed = after.find((v) => {
    const was = current.versions.find((c) => c.name === v.name);
    return was !== undefined && resources(was) !== resources(v);
  });
  const was = current.versions.find((c) => c.name === changed?.name);
  if (changed !== undefined && was !== undefined) {
    lines.push({
      what: `resources of ${changed.name}`,
      before: resources(was),
      after: resources(changed),
    });
  }
  return lines;
}

/** The fallback: what the service is now, and the command that will change it. */
export function describeAnyChange(data: JobData, current: ServiceRecord | undefined): ChangeLine[] {
  const before = current === undefined ? undefined : summarize(current);
  return [
    { what: 'service', before: before?.service ?? 'none', after: `as asked: ${data.origin.text}` },
    ...(before ? [{ what: 'versions', before: before.versions, after: 'see the command' }] : []),
  ];
}

/** The change a job makes, from its kind's describer or the fallback. */
export function describeChange(data: JobData, current: ServiceRecord | undefined): ChangeLine[] {
  return (changeDescribers[data.kind] ?? describeAnyChange)(data, current);
}

/** `what: before → after`, one line per change. */
export function changeText(lines: readonly ChangeLine[]): string[] {
  return lines.map((line) => `${line.what}: ${line.before} → ${line.after}`);
}

function summarize(record: ServiceRecord) {
  const byDefault = record.versions.find((v) => v.isDefault) ?? record.versions[0];
  return {
    service: `${record.name} on ${record.target} (${record.state})`,
    versions: versionText(record.versions),
    resources: byDefault ? resources(byDefault) : 'none',
    auth: record.auth,
  };
}

/** Versions with their effective shares: the default also serves what is unassigned. */
function versionText(versions: readonly VersionSpec[]): string {
  const shares = effectiveShares(versions);
  return versions
    .map((v) => {
      const models = v.models.map(formatModelRef).join(', ');
      return `${v.name} (${models}) ${formatPercent(shares.get(v.name) ?? 0)}`;
    })
    .join(', ');
}

function resources(version: VersionSpec): string {
  const scale =
    version.scale.mode === 'fixed'
      ? `${version.scale.replicas} replica(s)`
      : `autoscale ${version.scale.min}-${version.scale.max}`;
  return `cpu ${version.cpu} · memory ${version.memoryGb} GB · ${scale}`;
}
