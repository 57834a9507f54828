import { z } from 'zod';

import { InputError } from '../platform/errors.js';
import { modelRef, resourceName } from './names.js';
import { scaleSettings, versionSpec, type VersionSpec } from './service-record.js';
import { assignedTotal, formatPercent } from './traffic-shares.js';
import { trafficTable } from './traffic-table.js';

/** The most versions one endpoint holds (Azure ML's AKS endpoints). */
export const maxVersions = 6;

const percentile = z.number().min(0).max(100);

/**
 * One change to an endpoint's versions, as a target state rather than a delta: applying it
 * twice gives what applying it once gave, which is what a replayed job needs.
 */
export const endpointChange = z.discriminatedUnion('op', [
  z.object({ op: z.literal('version.add'), version: versionSpec }),
  z.object({
    op: z.literal('version.update'),
    version: resourceName,
    traffic: percentile.optional(),
    makeDefault: z.boolean(),
    role: z.enum(['control', 'treatment']).optional(),
  }),
  z.object({
    op: z.literal('version.delete'),
    version: resourceName,
    newDefault: resourceName.optional(),
  }),
  z.object({
    op: z.literal('traffic'),
    shares: z.array(z.object({ version: resourceName, traffic: percentile })).min(1),
  }),
  z.object({
    op: z.literal('service.update'),
    version: resourceName,
    models: z.array(modelRef).min(1).optional(),
    cpu: z.number().positive().max(64).optional(),
    memoryGb: z.number().positive().max(256).optional(),
    scale: scaleSettings.optional(),
  }),
]);
export type EndpointChange = z.infer<typeof endpointChange>;

/**
 * The versions an endpoint has after a change, checked against every rule of DESIGN's
 * "Domain rules". A change that breaks one is refused with an InputError that names the rule
 * and shows the endpoint's current table; nothing is half-applied. An empty result means the
 * last version was deleted, which deletes the endpoint.
 */
export function applyEndpointChange(
  endpoint: string,
  current: readonly VersionSpec[],
  change: EndpointChange,
): VersionSpec[] {
  const refuse = (rule: string): never => {
    throw new InputError({
      code: 'endpoint_rule',
      userMessage: `${rule}\nCurrent table of ${endpoint}:\n${trafficTable(current)}`,
    });
  };
  const find = (name: string): VersionSpec =>
    current.find((v) => v.name === name) ?? refuse(`Endpoint ${endpoint} has no version ${name}.`);

  const next = changed(current, change, find, refuse);
  if (next.length === 0) return next;

  if (next.length > maxVersions) {
    refuse(`An endpoint holds at most ${maxVersions} versions; ${endpoint} has ${current.length}.`);
  }
  const total = assignedTotal(next);
  if (total > 100) {
    refuse(
      `Traffic percentiles must sum to at most 100 %; this change makes them ` +
        `${formatPercent(total)}.`,
    );
  }
  const controls = next.filter((v) => v.role === 'control');
  const before = current.find((v) => v.role === 'control');
  if (controls.length > 1 && before !== undefined) {
    refuse(
      `At most one version is the control, and ${before.name} already is. Mark it a ` +
        `treatment first: \`endpoint version update ${endpoint} ${before.name} --treatment\`.`,
    );
  }
  return next;
}

function changed(
  current: readonly VersionSpec[],
  change: EndpointChange,
  find: (name: string) => VersionSpec,
  refuse: (rule: string) => never,
): VersionSpec[] {
  switch (change.op) {
    case 'version.add': {
      if (current.some((v) => v.name === change.version.name)) {
        refuse(`There is already a version named ${change.version.name}; pick another name.`);
      }
      const added = change.version;
      const others = added.isDefault ? current.map((v) => ({ ...v, isDefault: false })) : current;
      return [...others, added];
    }

    case 'version.update': {
      find(change.version);
      return current.map((v) => {
        if (v.name !== change.version) {
          return change.makeDefault ? { ...v, isDefault: false } : v;
        }
        return {
          ...v,
          ...(change.traffic === undefined ? {} : { traffic: change.traffic }),
          ...(change.role === undefined ? {} : { role: change.role }),
          isDefault: v.isDefault || change.makeDefault,
        };
      });
    }

    case 'version.delete': {
      const gone = find(change.version);
      const rest = current.filter((v) => v.name !== change.version);
      if (change.newDefault === change.version) {
        refuse(`${change.version} cannot be the new default: it is the version being deleted.`);
      }
      if (change.newDefault !== undefined) find(change.newDefault);
      if (change.newDefault !== undefined && !gone.isDefault) {
        refuse(
          `${gone.name} is not the default version, so there is no default to replace. To ` +
            `move the default, use \`endpoint version update <endpoint> ${change.newDefault} ` +
            '--default`.',
        );
      }
      if (gone.isDefault && rest.length > 0 && change.newDefault === undefined) {
        refuse(
          `${gone.name} is the default version. Name the new default in the same command: ` +
            `\`endpoint version delete <endpoint> ${gone.name} --default <version>\`.`,
        );
      }
      if (change.newDefault === undefined) return rest;
      return rest.map((v) => ({ ...v, isDefault: v.name === change.newDefault }));
    }

    case 'traffic': {
      const named = new Set<string>();
      for (const share of change.shares) {
        find(share.version);
        if (named.has(share.version)) refuse(`${share.version} is named twice; name it once.`);
        named.add(share.version);
      }
      return current.map((v) => {
        const share = change.shares.find((s) => s.version === v.name);
        return share === undefined ? v : { ...v, traffic: share.traffic };
      });
    }

    case 'service.update': {
      find(change.version);
      return current.map((v) =>
        v.name !== change.version
          ? v
          : {
              ...v,
              ...(change.models ? { models: change.models } : {}),
              ...(change.cpu === undefined ? {} : { cpu: change.cpu }),
              ...(change.memoryGb === undefined ? {} : { memoryGb: change.memoryGb }),
              ...(change.scale ? { scale: change.scale } : {}),
            },
      );
    }
  }
}
