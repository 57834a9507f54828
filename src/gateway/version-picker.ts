import type { VersionSpec } from '../registry/service-record.js';
import { GatewayError } from './gateway-error.js';

/** A version that can take traffic, with the replica ports that are ready. */
export interface RoutableVersion {
  spec: VersionSpec;
  ports: number[];
}

/**
 * Picks the version for one request: the one named by `azureml-model-deployment`, else the
 * default version. Returns the version and the replica port to use (round robin).
 */
export function pickVersion(
  service: string,
  versions: readonly RoutableVersion[],
  pinned: string | undefined,
  turn: number,
): { version: RoutableVersion; port: number } {
  const version = pinned
    ? versions.find((v) => v.spec.name === pinned)
    : (versions.find((v) => v.spec.isDefault && v.ports.length > 0) ??
      versions.find((v) => v.ports.length > 0));

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
    throw new GatewayError(503, 'NoVersionReady', `No version of service ${service} is ready yet.`);
  }
  return { version, port };
}
