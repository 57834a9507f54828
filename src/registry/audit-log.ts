import type { Redis } from 'ioredis';

import type { Logger } from '../platform/logger.js';
import type { SecretRegistry } from '../platform/secret-registry.js';
import { auditEntry, type AuditEntry } from './audit-entry.js';

/** How long a once-key is remembered: longer than a job is kept. */
const onceSeconds = 60 * 24 * 3600;

/** Options for {@link AuditLog}. */
export interface AuditLogOptions {
  redis: Redis;
  /** Every secret the process knows: none may reach the log. */
  secrets: SecretRegistry;
  logger: Logger;
  /** Stream key; tests may use their own. */
  key?: string;
  /**
   * Entries kept, approximately. A change makes a handful of entries, so the default keeps
   * the history of some tens of thousands of changes in a few tens of MB, and a runaway client
   * cannot grow Redis (where the queue lives, under `noeviction`) without bound.
   */
  maxEntries?: number;
}

/** What {@link AuditLog.latest} may filter on. */
export interface AuditQuery {
  service?: string;
  limit: number;
}

/**
 * The append-only audit log, a Redis stream. The product only ever appends (XADD) and reads;
 * nothing in it edits or deletes an entry. Every entry is zod-checked and any known secret in
 * it is masked before it is written.
 */
export class AuditLog {
  readonly #redis: Redis;
  readonly #secrets: SecretRegistry;
  readonly #logger: Logger;
  readonly #key: string;
  readonly #maxEntries: number;

  constructor(options: AuditLogOptions) {
    this.#redis = options.redis;
    this.#secrets = options.secrets;
    this.#logger = options.logger;
    this.#key = options.key ?? 'shipmate:audit';
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  /** Appends one entry; resolves to its stream id. */
  async append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<string> {
    const checked = auditEntry.parse({ ...entry, at: entry.at ?? new Date().toISOString() });
    const json = JSON.stringify(checked);
    const masked = this.#secrets.mask(json);
    if (masked !== json) {
      // A secret reached an entry: a bug upstream. Write the masked entry, and say so.
      this.#logger.error(
        { jobId: checked.jobId, action: checked.action },
        'secret masked in audit',
      );
    }

    // `~` lets Redis trim whole macro nodes: cheap, and keeps at least maxEntries.
    const id = await this.#redis.xadd(
      this.#key,
      'MAXLEN',
      '~',
      String(this.#maxEntries),
      '*',
      'entry',
      masked,
    );
    return id ?? '';
  }

  /**
   * Appends the entry unless one was appended under the same `once` key before: for events
   * a replay or a repeated delivery would report twice (a job queued, a job's outcome).
   */
  async appendOnce(
    once: string,
    entry: Omit<AuditEntry, 'at'> & { at?: string },
  ): Promise<string | undefined> {
    const first = await this.#redis.set(`${this.#key}:once:${once}`, '1', 'EX', onceSeconds, 'NX');
    if (first !== 'OK') return undefined;
    return this.append(entry);
  }

  /** The newest entries first, optionally of one service. */
  async latest(query: AuditQuery): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    let end = '+';
    // Read back in pages until enough entries of the service are found or the log ends.
    for (let page = 0; page < 50 && found.length < query.limit; page += 1) {
      const rows = await this.#redis.xrevrange(this.#key, end, '-', 'COUNT', 200);
      for (const [, fields] of rows) {
        const entry = parseEntry(fields);
        if (entry === undefined) continue;
        if (query.service !== undefined && entry.service !== query.service) continue;
        found.push(entry);
        if (found.length >= query.limit) break;
      }
      const last = rows.at(-1)?.[0];
      if (rows.length < 200 || last === undefined) break;
      end = `(${last}`;
    }
    return found;
  }
}

function parseEntry(fields: string[]): AuditEntry | undefined {
  const index = fields.indexOf('entry');
  const raw = index >= 0 ? fields[index + 1] : undefined;
  if (raw === undefined) return undefined;
  try {
    const parsed = auditEntry.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
