import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { Queue, QueueEvents, QueueEventsProducer, type Worker } from 'bullmq';
import type { Express } from 'express';
import type { Redis } from 'ioredis';

import type { ApprovalDeps } from './approvals/approval-deps.js';
import { ApprovalDecisions } from './approvals/approval-decisions.js';
import { ApprovalGate } from './approvals/approval-gate.js';
import { ApprovalStore } from './approvals/approval-store.js';
import { ApprovalSweeper } from './approvals/approval-sweeper.js';
import { viewWithApproval } from './approvals/approval-view.js';
import { Policy } from './approvals/policy.js';

import { createIngress } from './bot/create-ingress.js';
import { createSlackApp } from './bot/slack/create-slack-app.js';
import { registerSlackApprovals } from './bot/slack/slack-approvals.js';
import { registerSlackCommands } from './bot/slack/slack-commands.js';
import { createSlackKeyHandoff } from './bot/slack/slack-key-handoff.js';
import { registerDeployModal } from './bot/slack/slack-deploy-modal.js';
import { createSlackStatusSink } from './bot/slack/slack-status-sink.js';
import { createTeamsAdapter, tenantCheck } from './bot/teams/create-teams-adapter.js';
import { TeamsApprovers } from './bot/teams/teams-approvers.js';
import { teamsMode } from './bot/teams/teams-mode.js';
import { TeamsDirectory } from './bot/teams/teams-directory.js';
import { mountTeamsEndpoint } from './bot/teams/teams-endpoint.js';
import { TeamsOutbox } from './bot/teams/teams-outbox.js';
import { TeamsSecrets } from './bot/teams/teams-secrets.js';
import { createTeamsStatusSink } from './bot/teams/teams-status-sink.js';
import { createTeamsTurns } from './bot/teams/teams-turns.js';
import { createGatewayServer } from './gateway/gateway-server.js';
import { createKeyCache } from './gateway/key-cache.js';
import { createSigningKeyCache } from './gateway/signing-key-cache.js';
import { ModelClient } from './gateway/model-client.js';
import type { HandlerDeps } from './handlers/handler-deps.js';
import { approvalEvent, JobNotifier } from './notify/job-notifier.js';
import type { StatusSink } from './notify/status-sink.js';
import type { JobView } from './queue/job-view.js';
import type { Config } from './platform/config.js';
import { InputError, NotFoundError, UnavailableError } from './platform/errors.js';
import type { Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { createRedis, waitUntilReady } from './platform/redis-connection.js';
import type { SecretRegistry } from './platform/secret-registry.js';
import { JobProducer } from './queue/job-producer.js';
import { jobsQueueName, queuePrefix } from './queue/queue-names.js';
import { AuditLog } from './registry/audit-log.js';
import { DeploymentConfigs } from './registry/deployment-configs.js';
import { ModelCatalog } from './registry/model-catalog.js';
import { ServiceStore } from './registry/service-store.js';
import { KeyStore } from './targets/local/key-store.js';
import { LocalSupervisor } from './targets/local/local-supervisor.js';
import { createLocalTarget } from './targets/local/local-target.js';
import { SigningKeyStore } from './targets/local/signing-key-store.js';
import type { Target } from './targets/target.js';
import { auditOutcomes } from './workers/audit-outcomes.js';
import { createJobWorker } from './workers/job-worker.js';

/** The roles of SPEC's process table; `up` is all three. */
export type Role = 'serve' | 'worker' | 'gateway';

/** Options for {@link createShipmate}. */
export interface ShipmateOptions {
  config: Readonly<Config>;
  roles: readonly Role[];
  logger: Logger;
  secrets: SecretRegistry;
  /** The access and approval policy; the built-in one when left out. */
  policy?: Policy;
}

/** A wired product: start it, learn its URLs, stop it. */
export interface Shipmate {
  deps: HandlerDeps;
  redis: Redis;
  metrics: Metrics;
  start(): Promise<{ ingressUrl?: string; gatewayUrl?: string }>;
  stop(): Promise<void>;
}

/** The only place that constructs things: every dependency is made here and passed down. */
export function createShipmate(options: ShipmateOptions): Shipmate {
  const { config, logger, secrets, roles } = options;
  const redis = createRedis(config.redisUrl, { name: 'shipmate', logger });
  const metrics = createMetrics();
  const queue = new Queue(jobsQueueName, { connection: redis, prefix: queuePrefix });
  // The connection's own listener reports Redis trouble once; these would otherwise throw.
  queue.on('error', () => undefined);
  const keys = new KeyStore(config.home, secrets);
  const gatewayUrl = `http://${displayHost(config.host)}:${config.gatewayPort}`;
  const signingKeys = new SigningKeyStore(config.home, secrets);
  const local = createLocalTarget({
    redis,
    keys,
    home: config.home,
    gatewayUrl,
    signingKeys,
    tokenLifetimeS: config.tokenLifetimeS,
  });

  const targetFor = (name: string): Target => {
    if (name === 'local') return local;
    throw new NotFoundError({
      code: 'cluster_not_found',
      userMessage: `No cluster named ${name} is attached. Deploy without --target to run locally.`,
    });
  };
  const services = new ServiceStore(redis);
  const audit = new AuditLog({ redis, secrets, logger });
  const approvals = new ApprovalStore(redis);
  const announcer = new QueueEventsProducer(jobsQueueName, {
    connection: redis,
    prefix: queuePrefix,
  });
  // Connection errors are the shared connection's to report; without a listener BullMQ prints
  // each one as a stack trace.
  announcer.on('error', () => undefined);
  const approvalDeps: ApprovalDeps = {
    policy: options.policy ?? new Policy(),
    store: approvals,
    producer: new JobProducer({ queue, redis }),
    services,
    audit,
    announce: (jobId) => announcer.publishEvent({ eventName: approvalEvent, jobId }),
    logger: logger.child({ component: 'approvals' }),
  };
  const personOf = (userId: string): string => approvalDeps.policy.personOf(userId);
  const deps: HandlerDeps = {
    catalog: new ModelCatalog(config.modelsDir),
    services,
    configs: new DeploymentConfigs(config.configsDir),
    producer: new ApprovalGate(approvalDeps),
    queue,
    targetFor,
    policy: approvalDeps.policy,
    decisions: new ApprovalDecisions(approvalDeps),
    audit,
    jobView: (id) => viewWithApproval(queue, approvals, id, personOf),
    recentApprovals: async () => {
      const ids = await approvals.recent(50);
      const views = await Promise.all(
        ids.map((id) => viewWithApproval(queue, approvals, id, personOf)),
      );
      return views.filter((view) => view !== undefined);
    },
  };

  const closers: Array<() => Promise<unknown>> = [];
  const blocking = (): Redis => {
    const connection = createRedis(config.redisUrl, {
      blocking: true,
      name: 'shipmate-blocking',
      logger,
    });
    closers.push(() => connection.quit().catch(() => undefined));
    return connection;
  };
  let worker: Worker | undefined;

  const startWorker = (): void => {
    worker = createJobWorker({
      connection: blocking(),
      redis,
      deps: { ...deps, readyTimeoutMs: 5 * 60_000 },
      logger: logger.child({ role: 'worker' }),
      metrics,
      lockMs: config.jobLockMs,
    });
    auditOutcomes({ worker, audit, logger });
    // A job still running after a short grace is left to its lock: it expires, and the job
    // is taken over and replayed by the next worker (every step is safe to repeat).
    closers.unshift(async () => {
      const closing = worker?.close();
      const graceful = await Promise.race([
        closing?.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5_000).unref()),
      ]);
      if (graceful !== true) await worker?.close(true);
    });
  };

  const startGateway = async (): Promise<string> => {
    checkPython(config.python);
    const models = new ModelClient();
    const supervisor = new LocalSupervisor({
      redis,
      subscriber: blocking(),
      home: config.home,
      python: config.python,
      logger: logger.child({ role: 'local-target' }),
      secrets,
      drain: (ports, timeoutMs) => models.drained(ports, timeoutMs),
    });
    const keyCache = createKeyCache({ read: (service) => keys.read(service) });
    const signingKeyCache = createSigningKeyCache({ read: (service) => signingKeys.read(service) });
    supervisor.onChange((service) => {
      keyCache.invalidate(service);
      signingKeyCache.invalidate(service);
      models.retain(supervisor.ports());
    });
    const server = createGatewayServer({
      routes: supervisor,
      registeredState: async (service) =>
        (await deps.services.get(service).catch(() => undefined))?.state,
      keys: (service) => keyCache.get(service),
      signingKeys: (service) => signingKeyCache.get(service),
      models,
      logger: logger.child({ role: 'gateway' }),
      metrics,
      maxBodyBytes: config.maxBodyBytes,
    });
    closers.push(() => models.close());

    // Listen first: a port in use must stop start-up before any model process is spawned.
    const url = await listen(server, config.gatewayPort, config.host, closers);
    await supervisor.start();
    closers.push(() => supervisor.stop());
    return url;
  };

  const startServe = async (): Promise<string> => {
    const ingress = createIngress({
      metrics,
      readiness: async () => {
        // A Redis that accepts connections but never answers must not hang the probe.
        const bounded = <T>(work: Promise<T>) =>
          Promise.race([
            work,
            new Promise<never>((_, reject) => {
              setTimeout(() => reject(new Error('timed out')), 2_000).unref();
            }),
          ]);
        const problems: string[] = [];
        await bounded(redis.ping()).catch(() => problems.push('Redis is not reachable'));
        if (problems.length > 0) return problems;

        const workers = await bounded(queue.getWorkersCount()).catch(() => 0);
        if (workers === 0) problems.push('no queue worker is running');
        return problems;
      },
    });
    const sinks: StatusSink[] = [];
    const onFinal: Array<(view: JobView) => void> = [];
    if (config.slack) {
      const slack = createSlackApp({ config: config.slack, express: ingress, logger });
      const serveLogger = logger.child({ role: 'serve' });
      registerSlackCommands({ app: slack.app, deps, logger: serveLogger, metrics });
      registerSlackApprovals({ app: slack.app, deps, logger: serveLogger });
      registerDeployModal({ app: slack.app, deps, logger: serveLogger });
      sinks.push(createSlackStatusSink(slack.client));
      onFinal.push(
        createSlackKeyHandoff({ client: slack.client, deps, redis, logger: serveLogger }),
      );
    }
    if (teamsMode(config) !== 'off') {
      const teams = startTeams({ ingress, deps, redis, logger, metrics, config });
      sinks.push(teams.sink);
      onFinal.push((view) => teams.secrets.handOver(view));
    } else {
      logger.warn(
        'Teams is off: MICROSOFT_APP_ID is not set and HOST is not a loopback address, and an ' +
          'unauthenticated bot may only listen on loopback',
      );
    }
    const events = new QueueEvents(jobsQueueName, { connection: blocking(), prefix: queuePrefix });
    events.on('error', () => undefined);
    closers.unshift(() => events.close());
    const notifier = new JobNotifier({
      queue,
      events,
      redis,
      sinks,
      logger,
      paceMs: config.statusPaceMs,
      onFinal: (view) => onFinal.forEach((deliver) => deliver(view)),
      view: deps.jobView,
      reconcileMs: 30_000,
    });
    notifier.start();
    closers.unshift(() => Promise.resolve(notifier.stop()));
    return listen(http.createServer(ingress), config.port, config.host, closers);
  };

  return {
    deps,
    redis,
    metrics,

    async start() {
      await waitUntilReady(redis, 10_000).catch((error: unknown) => {
        throw new UnavailableError({
          code: 'redis_unreachable',
          userMessage: `Redis does not answer at ${redactUrl(config.redisUrl)}.`,
          cause: error,
        });
      });
      await warnOnEviction(redis, logger);
      const urls: { ingressUrl?: string; gatewayUrl?: string } = {};
      if (roles.includes('gateway')) urls.gatewayUrl = await startGateway();
      if (roles.includes('worker')) startWorker();
      if (roles.includes('serve')) urls.ingressUrl = await startServe();
      if (roles.includes('serve') || roles.includes('worker')) {
        const sweeper = new ApprovalSweeper({ deps: approvalDeps });
        sweeper.start();
        closers.unshift(() => sweeper.stop());
      }
      return urls;
    },

    async stop() {
      for (const close of closers) await close().catch(() => undefined);
      await announcer.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      await redis.quit().catch(() => undefined);
    },
  };
}

/** The Teams front door on the ingress: `POST /api/messages`, and the Teams status sink. */
function startTeams(options: {
  ingress: Express;
  deps: HandlerDeps;
  redis: Redis;
  logger: Logger;
  metrics: Metrics;
  config: Readonly<Config>;
}): { sink: StatusSink; secrets: TeamsSecrets } {
  const { deps, redis, metrics } = options;
  const logger = options.logger.child({ role: 'serve', component: 'teams' });
  const teams = createTeamsAdapter(options.config.teams);
  const tenantWarning = tenantCheck(options.config.teams);
  if (tenantWarning !== undefined) logger.warn(tenantWarning);
  if (!teams.authenticated) {
    logger.warn(
      'Teams runs unauthenticated (MICROSOFT_APP_ID is not set): activities are not checked, ' +
        'so only a Bot Framework Emulator or test on this machine may talk to the bot',
    );
  }
  const directory = new TeamsDirectory(redis);
  const outbox = new TeamsOutbox({ adapter: teams.adapter, appId: teams.appId, directory, logger });
  const approvers = new TeamsApprovers({
    outbox,
    logger,
    personOf: (userId) => deps.policy.personOf(userId),
  });
  const secrets = new TeamsSecrets({ outbox, directory, redis, deps, logger });
  mountTeamsEndpoint({
    express: options.ingress,
    teams,
    logger,
    logic: createTeamsTurns({ deps, directory, outbox, approvers, secrets, logger, metrics }),
  });
  return { sink: createTeamsStatusSink({ outbox, approvers }), secrets };
}

async function listen(
  server: http.Server,
  port: number,
  host: string,
  closers: Array<() => Promise<unknown>>,
): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  closers.unshift(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address() as AddressInfo;
  return `http://${displayHost(host)}:${address.port}`;
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::'
    ? '127.0.0.1'
    : host.includes(':')
      ? `[${host}]`
      : host;
}

/** SPEC: evicted keys lose jobs, so say so when Redis may evict. */
async function warnOnEviction(redis: Redis, logger: Logger): Promise<void> {
  const reply = (await redis.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
  const policy = reply[1];
  if (policy !== undefined && policy !== 'noeviction') {
    logger.warn({ policy }, 'Redis maxmemory-policy is not noeviction: queued jobs may be lost');
  }
}

/** A Redis URL without its password, fit for messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Python runs every Python model: a missing one stops start-up, not each deploy later. */
function checkPython(python: string): void {
  const probe = spawnSync(python, ['--version'], { stdio: 'ignore', timeout: 10_000 });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new InputError({
      code: 'python_missing',
      userMessage:
        `SHIPMATE_PYTHON: expected a Python 3 that runs, ` + `but '${python} --version' failed`,
    });
  }
}
