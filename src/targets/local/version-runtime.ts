import type { Logger } from '../../platform/logger.js';
import type { SecretRegistry } from '../../platform/secret-registry.js';
import type { DesiredEntry } from './local-state.js';
import { revisionOf } from './local-state.js';
import { ModelProcess } from './model-process.js';

type DesiredVersion = DesiredEntry['deployment']['versions'][number];

/** Options for {@link VersionRuntime}. */
export interface VersionRuntimeOptions {
  service: string;
  python: string;
  logger: Logger;
  secrets: SecretRegistry;
  writeLog: (line: string) => void;
  onChange: () => void;
  /**
   * Resolves once the gateway has no request on its way to these ports (they have already
   * left the routing table), or after `timeoutMs`.
   */
  drain: (ports: readonly number[], timeoutMs: number) => Promise<void>;
}

/** How many local processes a version runs: a fixed count, or autoscale's minimum. */
export function replicaCount(version: DesiredVersion): number {
  return version.spec.scale.mode === 'fixed' ? version.spec.scale.replicas : version.spec.scale.min;
}

/** What makes a replica different: the models it runs (not sizes, which are not enforced). */
export function processRevision(version: DesiredVersion): string {
  return revisionOf(version.models);
}

/**
 * The replicas of one version. A change of models starts a new set beside the old one and
 * retires the old set only once the new one is fully ready, so scoring never stops.
 */
export class VersionRuntime {
  desired: DesiredVersion;
  revision: string;
  replicas: ModelProcess[] = [];
  retiring: ModelProcess[] = [];
  readonly #options: VersionRuntimeOptions;

  constructor(desired: DesiredVersion, options: VersionRuntimeOptions) {
    this.desired = desired;
    this.revision = processRevision(desired);
    this.#options = options;
  }

  /** Brings the replicas to the desired version and count. */
  async reconcile(desired: DesiredVersion): Promise<void> {
    const revision = processRevision(desired);
    if (revision !== this.revision) {
      this.retiring.push(...this.replicas);
      this.replicas = [];
      this.revision = revision;
    }
    this.desired = desired;

    const want = replicaCount(desired);
    while (this.replicas.length < want) this.replicas.push(this.#spawn(this.replicas.length));
    const surplus = this.replicas.splice(want);
    if (surplus.length > 0) await this.#retire(surplus);
    await this.retireIfReplaced();
  }

  /** Drains and stops the old set once every new replica is ready. */
  async retireIfReplaced(): Promise<void> {
    if (this.retiring.length === 0) return;
    // A new replica announces itself while it is being added, before the set is complete:
    // an empty or partial set is not "every new replica ready".
    if (this.replicas.length < replicaCount(this.desired)) return;
    if (!this.replicas.every((r) => r.state === 'ready')) return;

    const old = this.retiring;
    this.retiring = [];
    await this.#retire(old);
  }

  /** Ports to send scoring requests to: the ready new replicas, else the ready old ones. */
  readyPorts(): number[] {
    const current = this.replicas.filter((r) => r.state === 'ready').map((r) => r.port);
    if (current.length > 0) return current;
    return this.retiring.filter((r) => r.state === 'ready').map((r) => r.port);
  }

  /** Stops every replica, once the gateway has finished the requests they were serving. */
  async stop(): Promise<void> {
    const all = [...this.replicas, ...this.retiring];
    this.replicas = [];
    this.retiring = [];
    await this.#retire(all);
  }

  /**
   * Replicas leave the routing table first (the change notice rebuilds it without them), then
   * finish what they were sent, then stop: an update or a scale-down fails no request.
   */
  async #retire(replicas: ModelProcess[]): Promise<void> {
    this.#options.onChange();
    const ports = replicas.filter((r) => r.state === 'ready').map((r) => r.port);
    if (ports.length > 0) await this.#options.drain(ports, this.desired.spec.scoringTimeoutMs);
    await Promise.all(replicas.map((replica) => replica.stop()));
  }

  #spawn(index: number): ModelProcess {
    const name = this.desired.spec.name;
    const replica = new ModelProcess({
      label: `${name}#${index + 1}`,
      models: this.desired.models,
      python: this.#options.python,
      logger: this.#options.logger.child({ service: this.#options.service, version: name }),
      writeLog: this.#options.writeLog,
      isSecret: (value) => this.#options.secrets.has(value),
      mask: (text) => this.#options.secrets.mask(text),
    });
    replica.on('change', () => {
      void this.retireIfReplaced();
      this.#options.onChange();
    });
    replica.start();
    return replica;
  }
}
