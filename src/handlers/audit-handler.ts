import type { AuditEntry } from '../registry/audit-entry.js';
import type { Reply } from './chat-request.js';
import type { HandlerDeps } from './handler-deps.js';

/** `audit [--service NAME] [--limit N]`: the newest entries, for the asker only. */
export async function handleAudit(
  service: string | undefined,
  limit: number,
  deps: HandlerDeps,
): Promise<Reply> {
  const entries = await deps.audit.latest({ ...(service ? { service } : {}), limit });
  if (entries.length === 0) {
    return {
      kind: 'ephemeral',
      text: service ? `No audit entries for ${service}.` : 'No audit entries yet.',
    };
  }
  const title = service ? `Audit log of ${service}, newest first:` : 'Audit log, newest first:';
  return { kind: 'private', text: [title, ...entries.map(entryLine)].join('\n') };
}

/** One audit entry as one chat line. */
export function entryLine(entry: AuditEntry): string {
  const when = entry.at.replace('T', ' ').slice(0, 19);
  const who = entry.actor.userName || entry.actor.userId;
  const job = entry.jobId ? ` · job \`${entry.jobId}\`` : '';
  const command = entry.command ? ` · \`${entry.command.slice(0, 200)}\`` : ` · ${entry.kind}`;
  const change =
    entry.after && entry.after.length > 0
      ? ` · ${(entry.before ?? []).join('; ')} → ${entry.after.join('; ')}`
      : '';
  const detail = entry.detail ? ` · ${entry.detail}` : '';
  // One line per entry whatever was typed or summed up: an entry cannot pass for two.
  return oneLine(
    `• ${when} UTC · *${entry.action}* · ${who} (${entry.actor.userId}) in ${entry.where}` +
      `${command}${job}${change}${detail}`,
  );
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}
