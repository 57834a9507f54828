import type { VersionSpec } from '../registry/service-record.js';
import { GatewayError } from './gateway-error.js';
import { trafficSplit, versionFor } from './traffic-split.js';

/** A version that can take traffic, with the replica ports that are ready. */
export interface RoutableVersion {
  spec: VersionSpec;
  ports: number[];
}

/**
 * Picks the version for one request: the one named by `azureml-model-deployment`, else one
 * drawn by traffic share (`draw` is uniform in [0, 1)). Returns the version and the replica
 * port to use (round robin over `turn`).
 */
export function pickVersion(
  service: string,
  versions: readonly RoutableVersion[],
  pinned: string | undefined,
  draw: number,
  turn: number,
): { version: RoutableVersion; port: number } {
  const version = pinned
    ? versions.find((v) => v.spec.name === pinned)
    : versionFor(trafficSplit(versions), draw);

  if (pinned && version === undefined) {
    throw new GatewayError(
      404,
      'VersionNotFound',
      `Service ${service} has no version ${pinned}; known: ` +
        `${versions.map((v) => v.spec.name).join(', ')}.`,
    );
  }
  const port = version?.ports[turn % version.ports.length];
  if (version === undefined || port === undefined) {
    const what = pinned
      ? `Version ${pinned} of service ${service} is`
      : `No version of ${service} is`;
    throw new GatewayError(503, 'NoVersionReady', `${what} ready yet.`);
  }
  return { version, port };
}
