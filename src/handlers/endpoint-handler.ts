import type { Command, VersionSizing } from '../commands/command.js';
import { ConflictError } from '../platform/errors.js';
import { jobIdFor } from '../queue/job-id.js';
import type { EndpointJobKind } from '../queue/job-schemas.js';
import { applyEndpointChange, type EndpointChange } from '../registry/endpoint-change.js';
import type { ScaleSettings, ServiceRecord, VersionSpec } from '../registry/service-record.js';
import { trafficTable } from '../registry/traffic-table.js';
import type { ChatRequest, Reply } from './chat-request.js';
import { serviceNotFound } from './deploy-handler.js';
import type { HandlerDeps } from './handler-deps.js';
import { originOf } from './origin-of.js';

type EndpointCommand = Extract<Command, { kind: EndpointJobKind }>;

/**
 * `service update`, `endpoint version add|update|delete` and `traffic`: checks the change
 * against the endpoint's rules as it stands and queues it. A change that breaks a rule is
 * refused with the rule and the current table, and nothing is queued.
 */
export async function handleEndpointChange(
  command: EndpointCommand,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const name = command.kind === 'service.update' ? command.service : command.endpoint;
  const record = await deps.services.get(name);
  if (record === undefined) throw serviceNotFound(name);

  const origin = originOf(request);
  // A repeated delivery of a request whose job already ran finds its own change in place.
  if (record.jobId === jobIdFor(origin)) {
    return { kind: 'job', jobId: record.jobId, text: `Already done: job ${record.jobId}` };
  }
  if (record.state === 'deleting') {
    throw new ConflictError({
      code: 'service_deleting',
      userMessage: `Service ${name} is being deleted; it takes no more changes.`,
    });
  }

  const change = await changeOf(command, record, deps);
  const after = applyEndpointChange(name, record.versions, change);
  if (JSON.stringify(after) === JSON.stringify(record.versions)) {
    // A job (and maybe an approval) for a change that changes nothing is only noise.
    return {
      kind: 'ephemeral',
      text: `Nothing to change: ${name} already serves:\n${trafficTable(record.versions)}`,
    };
  }
  const jobId = await deps.producer.enqueue({
    kind: command.kind,
    origin,
    service: name,
    change,
  });
  const outcome =
    after.length === 0
      ? `the last version goes, and ${name} with it`
      : `${name} will serve:\n${trafficTable(after)}`;
  return { kind: 'job', jobId, text: `Queued job ${jobId}: ${outcome}` };
}

async function changeOf(
  command: EndpointCommand,
  record: ServiceRecord,
  deps: HandlerDeps,
): Promise<EndpointChange> {
  switch (command.kind) {
    case 'traffic':
      return { op: 'traffic', shares: command.shares };

    case 'endpoint.version.update':
      return {
        op: 'version.update',
        version: command.version,
        makeDefault: command.makeDefault,
        ...(command.traffic === undefined ? {} : { traffic: command.traffic }),
        ...(command.role === undefined ? {} : { role: command.role }),
      };

    case 'endpoint.version.delete':
      return { op: 'version.delete', version: command.version, newDefault: command.newDefault };

    case 'endpoint.version.add': {
      await Promise.all(command.models.map((ref) => deps.catalog.get(ref)));
      // A new version is sized like the default one unless the command says otherwise.
      const base = defaultOf(record);
      const version: VersionSpec = {
        ...base,
        name: command.version,
        models: command.models,
        ...sized(base, command),
        isDefault: command.makeDefault,
        traffic: command.traffic,
        role: command.control ? 'control' : undefined,
      };
      return { op: 'version.add', version };
    }

    case 'service.update': {
      if (command.models) await Promise.all(command.models.map((ref) => deps.catalog.get(ref)));
      const base = defaultOf(record);
      const sizes = sized(base, command);
      return {
        op: 'service.update',
        version: base.name,
        ...(command.models ? { models: command.models } : {}),
        ...(command.cpu === undefined ? {} : { cpu: sizes.cpu }),
        ...(command.memoryGb === undefined ? {} : { memoryGb: sizes.memoryGb }),
        ...(command.replicas === undefined && command.autoscale === undefined
          ? {}
          : { scale: sizes.scale }),
      };
    }
  }
}

function defaultOf(record: ServiceRecord): VersionSpec {
  const found = record.versions.find((v) => v.isDefault) ?? record.versions[0];
  if (found === undefined) throw serviceNotFound(record.name);
  return found;
}

/** The sizes of `base` with what the command sets. */
function sized(
  base: VersionSpec,
  command: VersionSizing,
): Pick<VersionSpec, 'cpu' | 'memoryGb' | 'scale'> {
  let scale: ScaleSettings = base.scale;
  if (command.replicas !== undefined) scale = { mode: 'fixed', replicas: command.replicas };
  if (command.autoscale !== undefined) {
    const targetUtilization = base.scale.mode === 'auto' ? base.scale.targetUtilization : 70;
    scale = { mode: 'auto', ...command.autoscale, targetUtilization };
  }
  return {
    cpu: command.cpu ?? base.cpu,
    memoryGb: command.memoryGb ?? base.memoryGb,
    scale,
  };
}
