import type { Command } from '../commands/command.js';
import type { ServiceRecord, VersionSpec } from '../registry/service-record.js';
import { maxVersions } from '../registry/endpoint-change.js';
import { formatModelRef } from '../registry/names.js';
import { effectiveShares, formatPercent } from '../registry/traffic-shares.js';
import { versionMarks } from '../registry/traffic-table.js';
import type { ServiceStatus } from '../targets/target.js';
import type { ChatRequest, Reply } from './chat-request.js';
import { serviceNotFound } from './deploy-handler.js';
import type { HandlerDeps } from './handler-deps.js';
import { originOf } from './origin-of.js';

type ServiceCommand = Extract<
  Command,
  { kind: 'service.list' | 'service.show' | 'service.logs' | 'service.delete' }
>;

/** `service list | show | logs | delete`. */
export async function handleService(
  command: ServiceCommand,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  if (command.kind === 'service.list') return { kind: 'ephemeral', text: await list(deps) };

  const record = await deps.services.get(command.service);
  if (record === undefined) throw serviceNotFound(command.service);
  const target = deps.targetFor(record.target);

  switch (command.kind) {
    case 'service.show':
      return { kind: 'ephemeral', text: show(record, await target.status(record.name), deps) };
    case 'service.logs': {
      const lines = await target.logs(record.name, command.tail);
      // Chat messages have a size limit; the newest lines matter most.
      const joined = lines.join('\n');
      const body =
        lines.length === 0
          ? '(no output yet)'
          : joined.length > 3_000
            ? `…${joined.slice(-3_000)}`
            : joined;
      return {
        kind: 'ephemeral',
        text: `Last ${lines.length} log lines of ${record.name}:\n\`\`\`\n${body}\n\`\`\``,
      };
    }
    case 'service.delete': {
      const jobId = await deps.producer.enqueue({
        kind: 'service.delete',
        origin: originOf(request),
        service: record.name,
      });
      return { kind: 'job', jobId, text: `Deleting ${record.name}: job ${jobId}` };
    }
  }
}

async function list(deps: HandlerDeps): Promise<string> {
  const services = await deps.services.list();
  if (services.length === 0) {
    return 'No services yet. Deploy one with `deploy <model>:<version> --name <service>`.';
  }
  const lines = await Promise.all(
    services.map(async (s) => {
      const target = deps.targetFor(s.target);
      const versions = s.versions.length === 1 ? '1 version' : `${s.versions.length} versions`;
      // The registry says what was decided; the target says what runs right now.
      const live =
        s.state === 'ready' || s.state === 'updating' ? await target.status(s.name) : undefined;
      const ready = live?.versions.reduce((n, v) => n + v.ready, 0);
      const desired = live?.versions.reduce((n, v) => n + v.desired, 0);
      const replicas = live ? ` (${ready}/${desired} replicas up)` : '';
      return (
        `• \`${s.name}\` — ${s.state}${replicas} · ${s.target} · ${versions} · ` +
        target.scoringUri(s.name)
      );
    }),
  );
  return [`${services.length} service(s):`, ...lines].join('\n');
}

function show(record: ServiceRecord, status: ServiceStatus | undefined, deps: HandlerDeps): string {
  const uri = deps.targetFor(record.target).scoringUri(record.name);
  const auth =
    record.auth === 'none'
      ? 'off — anyone who can reach the gateway can score'
      : record.auth === 'token'
        ? `token — ask \`token ${record.name}\` for a token`
        : `key — see \`keys show ${record.name}\``;
  const shares = effectiveShares(record.versions);
  const lines = [
    `Service \`${record.name}\` — ${record.state} on ${record.target}`,
    `Scoring URI: ${uri}`,
    `Auth: ${auth}`,
    ...(record.lastError ? [`Last error: ${record.lastError}`] : []),
    `Versions (${record.versions.length} of at most ${maxVersions}):`,
    ...record.versions.map((v) => versionLine(v, shares.get(v.name) ?? 0, status)),
  ];
  return lines.join('\n');
}

function versionLine(
  version: VersionSpec,
  share: number,
  status: ServiceStatus | undefined,
): string {
  const live = status?.versions.find((v) => v.name === version.name);
  const state =
    live === undefined
      ? 'not running'
      : `${live.failing ? 'failing' : live.ready >= live.desired ? 'ready' : 'starting'} ` +
        `${live.ready}/${live.desired}`;
  const restarts = live && live.restarts > 0 ? ` · ${live.restarts} restart(s)` : '';
  const scale =
    version.scale.mode === 'fixed'
      ? `${version.scale.replicas} replica(s)`
      : `autoscale ${version.scale.min}-${version.scale.max} ` +
        `at ${version.scale.targetUtilization}%`;
  const marks = versionMarks(version);
  const assigned = version.traffic === undefined ? 'none' : formatPercent(version.traffic);
  const models = version.models.map(formatModelRef).join(', ');
  return (
    `• \`${version.name}\`${marks.length > 0 ? ` (${marks.join(', ')})` : ''} — ${models} · ` +
    `${state}${restarts} · ${serves(share, live)} (assigned ${assigned}) · ` +
    `cpu ${version.cpu} · memory ${version.memoryGb} GB · ${scale} · ` +
    `timeout ${version.scoringTimeoutMs / 1000} s`
  );
}

/**
 * The share a version serves. One with no ready replica serves nothing yet: the gateway gives
 * its share to the others until it is ready, and the view must not claim otherwise.
 */
function serves(share: number, live: ServiceStatus['versions'][number] | undefined): string {
  if (share === 0 || (live !== undefined && live.ready > 0)) {
    return `serves ${formatPercent(share)}`;
  }
  return `serves 0 % now, ${formatPercent(share)} once ready`;
}
