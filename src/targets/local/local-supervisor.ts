import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Redis } from 'ioredis';

import { ConflictError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { SecretRegistry } from '../../platform/secret-registry.js';
import type { AuthMode, VersionSpec } from '../../registry/service-record.js';
import { confirmKeyChange } from './key-change.js';
import { desiredEntry, localKeys, type DesiredEntry, type StatusEntry } from './local-state.js';
import { replicaCount, VersionRuntime } from './version-runtime.js';

/** What the gateway needs to route one service. */
export interface LocalRoute {
  service: string;
  auth: AuthMode;
  versions: Array<{ spec: VersionSpec; ports: number[] }>;
}

/** Options for {@link LocalSupervisor}. */
export interface LocalSupervisorOptions {
  redis: Redis;
  /** A second connection, used only to subscribe. */
  subscriber: Redis;
  home: string;
  python: string;
  logger: Logger;
  /** Withheld from model processes and masked in what they print. */
  secrets: SecretRegistry;
  /** Full resync period, a safety net for missed notifications. */
  resyncMs?: number;
  /**
   * Resolves once the gateway has no request on its way to these ports, or after
   * `timeoutMs`; replicas are stopped only then. Without a gateway beside it, nothing waits.
   */
  drain?: (ports: readonly number[], timeoutMs: number) => Promise<void>;
}

interface ServiceRuntime {
  entry: DesiredEntry;
  versions: Map<string, VersionRuntime>;
  log: WriteStream;
}

/**
 * Runs the local target's model processes: reads desired state from Redis, starts, restarts
 * and stops replicas to match, and writes their readiness back. Lives beside the gateway,
 * which routes to the ports it reports. One supervisor per Redis.
 */
export class LocalSupervisor {
  readonly #options: LocalSupervisorOptions;
  readonly #services = new Map<string, ServiceRuntime>();
  readonly #chains = new Map<string, Promise<void>>();
  readonly #statusTimers = new Map<string, NodeJS.Timeout>();
  readonly #listeners = new Set<(service: string) => void>();
  readonly #routes = new Map<string, LocalRoute>();
  readonly #retirements = new Set<Promise<void>>();
  #resync: NodeJS.Timeout | undefined;
  readonly #id = `${os.hostname()}:${process.pid}`;
  #stopped = false;

  constructor(options: LocalSupervisorOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    await this.#claim();
    const { subscriber } = this.#options;
    await subscriber.subscribe(localKeys.changes, localKeys.keyChanges);
    subscriber.on('message', (channel: string, service: string) => {
      if (channel === localKeys.keyChanges) {
        // Listeners (the gateway's key caches) drop the service's keys before this confirms.
        confirmKeyChange(this.#options.redis, service, () => this.#notify(service)).catch(
          (error: unknown) => {
            this.#options.logger.warn({ err: error, service }, 'could not confirm a key change');
          },
        );
        return;
      }
      void this.#schedule(service);
    });

    await this.resyncAll();
    await this.#beat();
    // Status is rewritten on every tick too: a write lost while Redis was away must not leave
    // a worker waiting for readiness that already happened.
    this.#resync = setInterval(() => {
      void this.resyncAll();
      void this.#beat();
      for (const service of this.#services.keys()) void this.#writeStatus(service);
    }, this.#options.resyncMs ?? 3_000);
    this.#resync.unref();
  }

  /** Reconciles every service that is desired or running. */
  async resyncAll(): Promise<void> {
    const desired = await this.#options.redis.hkeys(localKeys.desired).catch(() => []);
    const names = new Set([...desired, ...this.#services.keys()]);
    await Promise.all([...names].map((name) => this.#schedule(name)));
  }

  /** The routing table of a service, or undefined when it is not running here. */
  route(service: string): LocalRoute | undefined {
    const cached = this.#routes.get(service);
    if (cached !== undefined) return cached;

    const runtime = this.#services.get(service);
    if (runtime === undefined) return undefined;

    // Built once per change and swapped whole: a request sees the old table or the new one,
    // never a mix, and the hot path allocates nothing.
    const versions = runtime.entry.deployment.versions.map((version) => ({
      spec: version.spec,
      ports: runtime.versions.get(version.spec.name)?.readyPorts() ?? [],
    }));
    const route = Object.freeze({ service, auth: runtime.entry.deployment.auth, versions });
    this.#routes.set(service, route);
    return route;
  }

  /** Every port a ready replica listens on, for closing connections to the others. */
  ports(): Set<number> {
    const ports = new Set<number>();
    for (const runtime of this.#services.values()) {
      for (const version of runtime.versions.values()) {
        for (const replica of [...version.replicas, ...version.retiring]) ports.add(replica.port);
      }
    }
    return ports;
  }

  /**
   * Calls back with a service name whenever its desired state, readiness or keys change.
   * Listeners run synchronously: a key change is confirmed only after every one returned.
   */
  onChange(listener: (service: string) => void): void {
    this.#listeners.add(listener);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#resync);
    await Promise.allSettled([...this.#retirements]);
    if ((await this.#options.redis.get(localKeys.heartbeat).catch(() => null)) === this.#id) {
      await this.#options.redis.del(localKeys.heartbeat).catch(() => undefined);
    }
    await Promise.allSettled([...this.#chains.values()]);
    await Promise.all([...this.#services.values()].map((s) => this.#stopService(s)));
    this.#services.clear();
  }

  /**
   * Two supervisors on one Redis would each start every model. Take the heartbeat key, waiting
   * out one left by a supervisor that died (it expires within 10 s).
   */
  async #claim(): Promise<void> {
    for (let waited = 0; waited <= 12_000; waited += 500) {
      const taken = await this.#options.redis.set(localKeys.heartbeat, this.#id, 'EX', 10, 'NX');
      if (taken === 'OK') return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const holder = await this.#options.redis.get(localKeys.heartbeat);
    throw new ConflictError({
      code: 'local_runtime_running',
      userMessage:
        `Another Shipmate (${holder ?? 'unknown'}) already runs the local target on this ` +
        'Redis. Stop it, or give this one another REDIS_URL.',
    });
  }

  async #beat(): Promise<void> {
    await this.#options.redis.set(localKeys.heartbeat, this.#id, 'EX', 10).catch(() => undefined);
  }

  /** Runs reconciles of one service one after another, never two at once. */
  #schedule(service: string): Promise<void> {
    const previous = this.#chains.get(service) ?? Promise.resolve();
    const next = previous
      .then(() => this.#reconcile(service))
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error, service }, 'local reconcile failed');
      });
    this.#chains.set(service, next);
    return next;
  }

  async #reconcile(service: string): Promise<void> {
    if (this.#stopped) return;

    const raw = await this.#options.redis.hget(localKeys.desired, service);
    const runtime = this.#services.get(service);
    if (raw === null) {
      if (runtime === undefined) return;
      this.#services.delete(service);
      this.#notify(service);
      await this.#stopService(runtime);
      await this.#options.redis.hdel(localKeys.status, service);
      this.#options.logger.info({ service }, 'local service stopped');
      return;
    }

    const entry = desiredEntry.parse(JSON.parse(raw));
    if (runtime?.entry.revision === entry.revision) return;

    const current = runtime ?? this.#newRuntime(entry);
    current.entry = entry;
    this.#services.set(service, current);

    const wanted = new Set(entry.deployment.versions.map((v) => v.spec.name));
    const removed = [...current.versions].filter(([name]) => !wanted.has(name));
    for (const [name] of removed) current.versions.delete(name);
    // The new table (traffic, removed versions) routes from here on, in one swap; a removed
    // version finishes its requests in the background while the rest is reconciled.
    this.#notify(service);
    for (const [, version] of removed) this.#background(version.stop());
    for (const version of entry.deployment.versions) {
      const existing = current.versions.get(version.spec.name);
      const target = existing ?? this.#newVersion(service, current, version);
      current.versions.set(version.spec.name, target);
      await target.reconcile(version);
    }

    this.#options.logger.info({ service, revision: entry.revision }, 'local service reconciled');
    this.#statusChanged(service);
  }

  /** Keeps track of work that finishes on its own, so `stop` can wait for it. */
  #background(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.#options.logger.warn({ err: error }, 'could not stop a retired version');
    });
    this.#retirements.add(tracked);
    void tracked.finally(() => this.#retirements.delete(tracked));
  }

  #newRuntime(entry: DesiredEntry): ServiceRuntime {
    const dir = path.join(this.#options.home, 'logs');
    mkdirSync(dir, { recursive: true });
    const log = createWriteStream(path.join(dir, `${entry.deployment.service}.log`), {
      flags: 'a',
      mode: 0o600,
    });
    return { entry, versions: new Map(), log };
  }

  #newVersion(
    service: string,
    runtime: ServiceRuntime,
    version: DesiredEntry['deployment']['versions'][number],
  ): VersionRuntime {
    return new VersionRuntime(version, {
      service,
      python: this.#options.python,
      logger: this.#options.logger,
      secrets: this.#options.secrets,
      writeLog: (line) => runtime.log.write(`${new Date().toISOString()} ${line}\n`),
      onChange: () => this.#statusChanged(service),
      drain: this.#options.drain ?? (() => Promise.resolve()),
    });
  }

  async #stopService(runtime: ServiceRuntime): Promise<void> {
    await Promise.all([...runtime.versions.values()].map((v) => v.stop()));
    runtime.log.end();
  }

  /** Coalesces a burst of replica changes into one status write. */
  #statusChanged(service: string): void {
    this.#notify(service);
    if (this.#statusTimers.has(service)) return;

    const timer = setTimeout(() => {
      this.#statusTimers.delete(service);
      void this.#writeStatus(service);
    }, 20);
    this.#statusTimers.set(service, timer);
  }

  async #writeStatus(service: string): Promise<void> {
    const runtime = this.#services.get(service);
    if (runtime === undefined || this.#stopped) return;

    const status: StatusEntry = {
      revision: runtime.entry.revision,
      updatedAt: Date.now(),
      versions: runtime.entry.deployment.versions.map((version) => {
        const live = runtime.versions.get(version.spec.name);
        const replicas = live?.replicas ?? [];
        const lastError = replicas.find((r) => r.lastError !== undefined)?.lastError;
        return {
          name: version.spec.name,
          desired: replicaCount(version),
          ready: replicas.filter((r) => r.state === 'ready').length,
          restarts: replicas.reduce((sum, r) => sum + r.restarts, 0),
          failing: replicas.length > 0 && replicas.every((r) => r.failing),
          revision: live?.revision ?? '',
          ...(lastError === undefined ? {} : { lastError }),
        };
      }),
    };
    await this.#options.redis
      .hset(localKeys.status, service, JSON.stringify(status))
      .catch((error: unknown) => {
        this.#options.logger.warn({ err: error, service }, 'could not write local status');
      });
  }

  #notify(service: string): void {
    this.#routes.delete(service);
    for (const listener of this.#listeners) listener(service);
  }
}
