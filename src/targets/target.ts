import type { RegisteredModel } from '../registry/model-catalog.js';
import type { IssuedToken } from '../platform/service-token.js';
import type { KeyName } from '../registry/key-name.js';
import type { AuthMode, VersionSpec } from '../registry/service-record.js';

/** A version together with the registered models it runs. */
export interface DeployedVersion {
  spec: VersionSpec;
  models: RegisteredModel[];
}

/** The whole desired state of one service on a target. */
export interface Deployment {
  service: string;
  auth: AuthMode;
  versions: DeployedVersion[];
}

/** What a target reports about one version's replicas. */
export interface VersionStatus {
  name: string;
  desired: number;
  ready: number;
  restarts: number;
  /** The last thing a crashed replica said, for a user to act on. */
  lastError: string | undefined;
  /** True when the replicas keep failing to start and the target stopped waiting for them. */
  failing: boolean;
}

/** A service as it runs on a target. */
export interface ServiceStatus {
  revision: string;
  versions: VersionStatus[];
}

/** The primary and secondary scoring keys of a service. */
export interface ServiceKeys {
  primary: string;
  secondary: string;
}

/** Options for {@link Target.waitReady}. */
export interface WaitReadyOptions {
  timeoutMs: number;
  /** Called with a short description whenever readiness changes. */
  onProgress?: (detail: string) => void | Promise<void>;
  /** Resolves true when the wait should stop because the work was called off. */
  cancelled?: () => Promise<boolean>;
  /**
   * The versions that must be ready; the others need only be running the revision. A traffic
   * shift waits for no version: a version that is not ready simply gets no traffic.
   * Default: every version.
   */
  versions?: readonly string[];
}

/**
 * Where services run: local processes, or a Kubernetes cluster. Every method sets or reads a
 * target state and is safe to call again with the same arguments (jobs are replayed).
 */
export interface Target {
  readonly kind: 'local' | 'kubernetes';
  /** Sets the desired state of a service; resolves to the revision that state has. */
  apply(deployment: Deployment): Promise<string>;
  /** Resolves once every version of the revision is ready; throws when it cannot become so. */
  waitReady(service: string, revision: string, options: WaitReadyOptions): Promise<void>;
  /** Stops everything of the service; nothing to do when it is already gone. */
  remove(service: string): Promise<void>;
  status(service: string): Promise<ServiceStatus | undefined>;
  logs(service: string, tail: number): Promise<string[]>;
  /** Creates the keys unless they exist; existing keys are kept. */
  ensureKeys(service: string): Promise<void>;
  readKeys(service: string): Promise<ServiceKeys | undefined>;
  /**
   * Replaces one key and keeps the other. Resolves only once the old key opens the service
   * nowhere (every gateway has dropped it). `jobId` makes a replay of the same job a no-op.
   */
  regenerateKey(service: string, which: KeyName, jobId: string): Promise<void>;
  /** Creates the service's token signing key unless it exists. */
  ensureSigningKey(service: string): Promise<void>;
  /** Signs a scoring token for the service; undefined when it has no signing key. */
  issueToken(service: string): Promise<IssuedToken | undefined>;
  /** Deletes what the target keeps of a removed service: its keys and its logs. */
  forget(service: string): Promise<void>;
  /** Where the service is scored. */
  scoringUri(service: string): string;
}
