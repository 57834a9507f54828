import type { JobView } from '../queue/job-view.js';
import type { EndpointChange } from '../registry/endpoint-change.js';
import { formatModelRef } from '../registry/names.js';
import { formatPercent } from '../registry/traffic-shares.js';
import { approvalLines } from './approval-lines.js';

const marks = { done: '✓', running: '…', failed: '✗' } as const;

/** What a job does, in a few words: "deploy diabetes:1 as diabetes". */
export function describeJob(view: Pick<JobView, 'data'>): string {
  const data = view.data;
  switch (data.kind) {
    case 'deploy': {
      const models = data.version.models.map((m) => `${m.name}:${m.version}`).join(', ');
      return `deploy ${models} as ${data.service}`;
    }
    case 'service.delete':
      return `delete service ${data.service}`;
    case 'keys.regen':
      return `regenerate the ${data.key} key of ${data.service}`;
    case 'service.auth':
      return data.auth === 'none'
        ? `turn auth off for ${data.service}`
        : `switch ${data.service} to ${data.auth} auth`;
    default:
      return describeChange(data.service, data.change);
  }
}

function describeChange(endpoint: string, change: EndpointChange): string {
  switch (change.op) {
    case 'version.add': {
      const models = change.version.models.map(formatModelRef).join(', ');
      return `add version ${change.version.name} (${models}) to ${endpoint}`;
    }
    case 'version.update':
      return `update version ${change.version} of ${endpoint}`;
    case 'version.delete':
      return `delete version ${change.version} of ${endpoint}`;
    case 'traffic': {
      const shares = change.shares.map((s) => `${s.version} ${formatPercent(s.traffic)}`);
      return `shift traffic of ${endpoint}: ${shares.join(', ')}`;
    }
    case 'service.update': {
      const what = [
        ...(change.models ? [change.models.map(formatModelRef).join(', ')] : []),
        ...(change.cpu === undefined ? [] : [`cpu ${change.cpu}`]),
        ...(change.memoryGb === undefined ? [] : [`memory ${change.memoryGb} GB`]),
        ...(change.scale === undefined
          ? []
          : [
              change.scale.mode === 'fixed'
                ? `${change.scale.replicas} replica(s)`
                : `autoscale ${change.scale.min}-${change.scale.max}`,
            ]),
      ];
      return `update ${endpoint} (version ${change.version}: ${what.join(', ')})`;
    }
  }
}

/**
 * The status message of a job: `job <id>`, one state word, the steps done so far, elapsed
 * time, and for a failure the reason. Plain text with backticks, readable on every platform.
 */
export function jobStatusText(view: JobView, now: number = Date.now()): string {
  const who = view.data.origin.userName || view.data.origin.userId;
  const retry = view.attempt > 1 ? ` (attempt ${view.attempt} of ${view.maxAttempts})` : '';
  const lines = [`job ${view.id} — ${describeJob(view)} — ${view.state}${retry}`];
  lines.push(...approvalLines(view));

  for (const step of view.steps) {
    lines.push(`${marks[step.state]} ${step.name}${step.detail ? ` — ${step.detail}` : ''}`);
  }
  if (view.state === 'failed' && view.failure) lines.push(`Why: ${view.failure}`);
  if (view.state === 'succeeded' && view.summary) lines.push(view.summary);

  const end = view.finishedAt ?? now;
  // Since it was asked, across retries: what the person who asked has been waiting.
  const elapsed = Math.max(0, Math.round((end - view.createdAt) / 1000));
  lines.push(`asked by ${who} · ${elapsed} s${view.finishedAt ? '' : ' so far'}`);
  return lines.join('\n');
}

/** True once the job will not change any more. */
export function isFinal(view: Pick<JobView, 'state'>): boolean {
  return ['succeeded', 'failed', 'rejected', 'cancelled'].includes(view.state);
}
