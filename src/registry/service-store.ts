import type { Redis } from 'ioredis';

import { ConflictError } from '../platform/errors.js';
import { serviceRecord, type ServiceRecord } from './service-record.js';

/**
 * Creates the record unless another job owns the name. A replay of the same job (same jobId)
 * may overwrite its own record: jobs are delivered at least once.
 */
const claimScript = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if not ok or decoded['jobId'] ~= ARGV[3] then return current end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return false
`;

const casScript = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/** The registry of services, one Redis hash: field = service name, value = JSON record. */
export class ServiceStore {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #prefix: string;

  constructor(redis: Redis, prefix = 'shipmate') {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#key = `${prefix}:services`;
  }

  async get(name: string): Promise<ServiceRecord | undefined> {
    const raw = await this.#redis.hget(this.#key, name);
    return raw === null ? undefined : serviceRecord.parse(JSON.parse(raw));
  }

  async list(): Promise<ServiceRecord[]> {
    const all = await this.#redis.hvals(this.#key);
    return all
      .map((raw) => serviceRecord.parse(JSON.parse(raw)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Records a new service for `record.jobId`; a ConflictError when another job holds it. */
  async claim(record: ServiceRecord): Promise<void> {
    const checked = serviceRecord.parse(record);
    const holder = (await this.#redis.eval(
      claimScript,
      1,
      this.#key,
      checked.name,
      JSON.stringify(checked),
      checked.jobId,
    )) as string | null;
    if (holder === null) return;

    throw new ConflictError({
      code: 'service_exists',
      userMessage:
        `A service named ${checked.name} already exists. Pick another --name, ` +
        `or remove it first with \`service delete ${checked.name}\`.`,
    });
  }

  /** Applies a change to an existing record; resolves to the new record or undefined. */
  async update(
    name: string,
    change: (current: ServiceRecord) => ServiceRecord,
  ): Promise<ServiceRecord | undefined> {
    // Compare-and-set on the raw JSON: safe on a shared connection, unlike WATCH/MULTI.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const raw = await this.#redis.hget(this.#key, name);
      if (raw === null) return undefined;

      const current = serviceRecord.parse(JSON.parse(raw));
      const next = serviceRecord.parse({ ...change(current), updatedAt: new Date().toISOString() });
      const swapped = await this.#redis.eval(
        casScript,
        1,
        this.#key,
        name,
        raw,
        JSON.stringify(next),
      );
      if (swapped === 1) return next;
    }
    throw new ConflictError({
      code: 'service_busy',
      userMessage: `Service ${name} is changing right now; try again in a moment.`,
    });
  }

  /**
   * Marks the job that created a service as cancelled: a delete asked while the deploy is
   * still running (or waiting to be replayed) must not see the service come back.
   */
  async cancelDeploy(jobId: string): Promise<void> {
    await this.#redis.set(`${this.#prefix}:cancelled:${jobId}`, '1', 'EX', 7 * 24 * 3600);
  }

  async isDeployCancelled(jobId: string): Promise<boolean> {
    return (await this.#redis.exists(`${this.#prefix}:cancelled:${jobId}`)) === 1;
  }

  async delete(name: string): Promise<boolean> {
    return (await this.#redis.hdel(this.#key, name)) === 1;
  }
}
