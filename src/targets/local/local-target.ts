import { open, rm } from 'node:fs/promises';
import path from 'node:path';

import type { Redis } from 'ioredis';

import { ConflictError, ShipmateError, UnavailableError } from '../../platform/errors.js';
import type {
  Deployment,
  ServiceKeys,
  ServiceStatus,
  Target,
  WaitReadyOptions,
} from '../target.js';
import type { KeyName } from '../../registry/key-name.js';
import { signServiceToken, type IssuedToken } from '../../platform/service-token.js';
import { announceKeyChange } from './key-change.js';
import type { KeyStore } from './key-store.js';
import { desiredEntry, localKeys, revisionOf, statusEntry } from './local-state.js';
import type { SigningKeyStore } from './signing-key-store.js';

/** Options for {@link createLocalTarget}. */
export interface LocalTargetOptions {
  redis: Redis;
  keys: KeyStore;
  signingKeys: SigningKeyStore;
  /** Lifetime of the scoring tokens `issueToken` signs. */
  tokenLifetimeS: number;
  /** How long a key regeneration waits for the gateway to confirm; above its 2 s cache. */
  keyChangeTimeoutMs?: number;
  /** SHIPMATE_HOME: logs are read from `<home>/logs/<service>/`. */
  home: string;
  /** Base URL of the gateway, for scoring URIs. */
  gatewayUrl: string;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
  /** How long to wait for a local runtime's heartbeat before giving up. */
  absentAfterMs?: number;
}

/**
 * The worker's side of the local target: writes desired state to Redis and waits for the
 * supervisor (running beside the gateway) to report it ready.
 */
export function createLocalTarget(options: LocalTargetOptions): Target {
  const { redis, keys } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const pollMs = options.pollMs ?? 100;
  const absentAfterMs = options.absentAfterMs ?? 5_000;

  const status = async (service: string): Promise<ServiceStatus | undefined> => {
    const raw = await redis.hget(localKeys.status, service);
    if (raw === null) return undefined;

    const entry = statusEntry.parse(JSON.parse(raw));
    return {
      revision: entry.revision,
      versions: entry.versions.map((v) => ({ ...v, lastError: v.lastError })),
    };
  };

  return {
    kind: 'local',

    async apply(deployment: Deployment): Promise<string> {
      const revision = revisionOf(deployment);
      const entry = desiredEntry.parse({ revision, deployment });
      await redis.hset(localKeys.desired, deployment.service, JSON.stringify(entry));
      await redis.publish(localKeys.changes, deployment.service);
      return revision;
    },

    async waitReady(service: string, revision: string, wait: WaitReadyOptions): Promise<void> {
      const deadline = Date.now() + wait.timeoutMs;
      let lastDetail = '';
      let seenSupervisor = false;

      const started = Date.now();
      while (Date.now() < deadline) {
        // Without a local runtime nothing will ever start: say so early, not after minutes.
        if (
          Date.now() - started > absentAfterMs &&
          (await redis.exists(localKeys.heartbeat)) === 0
        ) {
          throw new UnavailableError({
            code: 'local_runtime_absent',
            userMessage:
              'No local runtime is running to start the model: start `npm start` ' +
              '(or `shipmate gateway`) and try again.',
          });
        }
        if ((await wait.cancelled?.()) === true) {
          throw new ConflictError({
            code: 'deploy_cancelled',
            userMessage:
              `Service ${service} was deleted while it was deploying; ` + 'nothing to finish.',
          });
        }
        const current = await status(service);
        if (current !== undefined) seenSupervisor = true;
        if (current?.revision === revision) {
          const watched = current.versions.filter(
            (v) => wait.versions === undefined || wait.versions.includes(v.name),
          );
          const failing = watched.find((v) => v.failing);
          if (failing !== undefined) {
            throw new ShipmateError({
              code: 'model_start_failed',
              kind: 'input',
              userMessage:
                `The model process of version ${failing.name} keeps failing to start ` +
                `(${failing.restarts} restarts). Last words: ${failing.lastError ?? 'none'}. ` +
                `See \`service logs ${service}\`.`,
            });
          }
          if (watched.every((v) => v.ready >= v.desired)) return;

          const detail = watched.map((v) => `${v.name} ${v.ready}/${v.desired} ready`);
          if (detail.join(', ') !== lastDetail) {
            lastDetail = detail.join(', ');
            await wait.onProgress?.(lastDetail);
          }
        }
        await sleep(pollMs);
      }

      throw new UnavailableError({
        code: seenSupervisor ? 'not_ready_in_time' : 'local_runtime_absent',
        userMessage: seenSupervisor
          ? `Service ${service} did not become ready in ${Math.round(wait.timeoutMs / 1000)} s` +
            `${lastDetail ? ` (${lastDetail})` : ''}. See \`service logs ${service}\`.`
          : 'No local runtime answered: is `shipmate up` (or `shipmate gateway`) running?',
      });
    },

    async remove(service: string): Promise<void> {
      await redis.hdel(localKeys.desired, service);
      await redis.publish(localKeys.changes, service);
    },

    status,

    async logs(service: string, tail: number): Promise<string[]> {
      return tailFile(path.join(options.home, 'logs', `${service}.log`), tail);
    },

    ensureKeys: (service: string) => keys.ensure(service),
    readKeys: (service: string): Promise<ServiceKeys | undefined> => keys.read(service),

    async regenerateKey(service: string, which: KeyName, jobId: string): Promise<void> {
      await keys.regenerate(service, which, jobId);
      await announceKeyChange(service, {
        redis,
        timeoutMs: options.keyChangeTimeoutMs ?? 5_000,
        sleep,
      });
    },

    ensureSigningKey: (service: string) => options.signingKeys.ensure(service),

    async issueToken(service: string): Promise<IssuedToken | undefined> {
      const signingKey = await options.signingKeys.read(service);
      if (signingKey === undefined) return undefined;
      return signServiceToken(service, signingKey, options.tokenLifetimeS);
    },

    async forget(service: string): Promise<void> {
      await keys.delete(service);
      await options.signingKeys.delete(service);
      // A later service of the same name must not show this one's output.
      await rm(path.join(options.home, 'logs', `${service}.log`), { force: true });
    },

    scoringUri(service: string): string {
      return new URL(`api/v1/service/${service}/score`, `${options.gatewayUrl}/`).toString();
    },
  };
}

/** The last `lines` lines of a file, reading at most its last 256 KiB. */
async function tailFile(file: string, lines: number): Promise<string[]> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (handle === undefined) return [];

  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 256 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').split('\n').filter(Boolean).slice(-lines);
  } finally {
    await handle.close();
  }
}
