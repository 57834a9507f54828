import type { AuthMode } from '../registry/service-record.js';
import type { ModelRef } from '../registry/names.js';

/** A chat command after parsing and validation; handlers take only this. */
export type Command =
  | { kind: 'help'; topic: string | undefined }
  | { kind: 'model.list' }
  | DeployCommand
  | { kind: 'service.list' }
  | { kind: 'service.show'; service: string }
  | { kind: 'service.delete'; service: string }
  | { kind: 'service.logs'; service: string; tail: number }
  | { kind: 'keys.show'; service: string }
  | { kind: 'jobs'; mine: boolean }
  | { kind: 'job'; id: string }
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

export type CommandKind = Command['kind'];

/** True for commands that change something and so run as a job. */
export function startsJob(command: Command): boolean {
  return command.kind === 'deploy' || command.kind === 'service.delete';
}
