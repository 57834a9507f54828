import type { AuthMode } from '../registry/service-record.js';
import type { ModelRef } from '../registry/names.js';
import type { KeyName } from '../registry/key-name.js';

/** A chat command after parsing and validation; handlers take only this. */
export type Command =
  | { kind: 'help'; topic: string | undefined }
  | { kind: 'model.list' }
  | DeployCommand
  | { kind: 'service.list' }
  | { kind: 'service.show'; service: string }
  | { kind: 'service.delete'; service: string }
  | ServiceUpdateCommand
  | VersionAddCommand
  | {
      kind: 'endpoint.version.update';
      endpoint: string;
      version: string;
      traffic: number | undefined;
      makeDefault: boolean;
      role: 'control' | 'treatment' | undefined;
    }
  | { kind: 'endpoint.version.delete'; endpoint: string; version: string; newDefault?: string }
  | { kind: 'traffic'; endpoint: string; shares: Array<{ version: string; traffic: number }> }
  | { kind: 'service.logs'; service: string; tail: number }
  | { kind: 'keys.show'; service: string }
  | { kind: 'jobs'; mine: boolean }
  | { kind: 'job'; id: string }
  | { kind: 'keys.regen'; service: string; key: KeyName }
  | { kind: 'token'; service: string }
  | { kind: 'service.auth'; service: string; auth: AuthMode }
  | { kind: 'approve'; id: string }
  | { kind: 'reject'; id: string; reason: string | undefined }
  | { kind: 'audit'; service: string | undefined; limit: number };

export interface DeployCommand {
  kind: 'deploy';
  models: ModelRef[];
  service: string;
  target: string | undefined;
  version: string | undefined;
  cpu: number | undefined;
  memoryGb: number | undefined;
  replicas: number | undefined;
  autoscale: { min: number; max: number } | undefined;
  auth: AuthMode | undefined;
  config: string | undefined;
}

/** Sizes a command may set on a version; undefined keeps what is there. */
export interface VersionSizing {
  cpu: number | undefined;
  memoryGb: number | undefined;
  replicas: number | undefined;
  autoscale: { min: number; max: number } | undefined;
}

export interface ServiceUpdateCommand extends VersionSizing {
  kind: 'service.update';
  service: string;
  models: ModelRef[] | undefined;
}

export interface VersionAddCommand extends VersionSizing {
  kind: 'endpoint.version.add';
  endpoint: string;
  version: string;
  models: ModelRef[];
  traffic: number | undefined;
  makeDefault: boolean;
  control: boolean;
}

export type CommandKind = Command['kind'];

const jobKinds = new Set<CommandKind>([
  'deploy',
  'service.delete',
  'service.update',
  'endpoint.version.add',
  'endpoint.version.update',
  'endpoint.version.delete',
  'traffic',
  'keys.regen',
  'service.auth',
]);

/** True for commands that change something and so run as a job. */
export function startsJob(command: Command): boolean {
  return jobKinds.has(command.kind);
}
