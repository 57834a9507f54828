import { QueueEvents } from 'bullmq';

import { loadPolicy, parsePolicy, type LoadedPolicy } from './approvals/load-policy.js';
import { Policy } from './approvals/policy.js';
import { runSay } from './bot/console/run-say.js';
import { errorReply } from './bot/error-reply.js';
import { teamsMode } from './bot/teams/teams-mode.js';
import { helpText } from './commands/help-text.js';
import { parseCommand } from './commands/parse-command.js';
import { publishSettings, readSettings, type SharedSettings } from './platform/shared-settings.js';
import { createShipmate, redactUrl, type Role } from './main.js';
import { loadConfig, type Config } from './platform/config.js';
import { isShipmateError } from './platform/errors.js';
import { createLogger, type Logger } from './platform/logger.js';
import { createRedis, waitUntilReady } from './platform/redis-connection.js';
import { ensureRedis } from './platform/redis-launcher.js';
import { SecretRegistry } from './platform/secret-registry.js';
import { jobsQueueName, queuePrefix } from './queue/queue-names.js';

const usage = `Usage: shipmate <command>
  up                 chat ingress, workers, the local target and its gateway, in one process
  serve              chat ingress only
  worker             queue workers only
  gateway            the scoring gateway (and the local target's model processes)
  say "<command>"    one chat command from this terminal, e.g. shipmate say "model list"`;

const roles: Record<string, readonly Role[]> = {
  up: ['gateway', 'worker', 'serve'],
  serve: ['serve'],
  worker: ['worker'],
  gateway: ['gateway'],
};

async function main(argv: string[]): Promise<number> {
  const [command = 'up', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (command !== 'say' && roles[command] === undefined) {
    process.stderr.write(`Unknown command '${command}'.\n${usage}\n`);
    return 2;
  }

  let config: Readonly<Config>;
  let policy: LoadedPolicy;
  try {
    config = loadConfig();
    // A bad policy file stops start-up, like a bad variable: it must never silently loosen.
    policy = await loadPolicy(config.policyFile);
  } catch (error) {
    process.stderr.write(`${isShipmateError(error) ? error.userMessage : String(error)}\n`);
    return 2;
  }
  const secrets = new SecretRegistry();
  secrets.add(...config.secrets);

  if (command === 'say') return say(rest.join(' '), config, secrets, policy);
  return serve(command, config, secrets, policy);
}

async function serve(
  command: string,
  config: Readonly<Config>,
  secrets: SecretRegistry,
  loaded: LoadedPolicy,
) {
  const logger = createLogger({ level: config.logLevel, secrets });
  const stopRedis =
    command === 'up'
      ? await ensureRedis({ url: config.redisUrl, home: config.home, logger })
      : undefined;
  const shipmate = createShipmate({
    config,
    roles: roles[command] ?? [],
    logger,
    secrets,
    policy: loaded.policy,
  });

  let urls;
  try {
    urls = await shipmate.start();
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.stderr.write(`${isShipmateError(error) ? error.userMessage : String(error)}\n`);
    await shipmate.stop();
    stopRedis?.();
    return 1;
  }
  if (roles[command]?.includes('serve') === true) {
    await publishSettings(shipmate.redis, {
      policySource: loaded.source,
      policyText: loaded.text,
      tokenLifetimeS: config.tokenLifetimeS,
    }).catch((error: unknown) => logger.warn({ err: error }, 'could not share settings'));
  }
  logger.info({ ...urls, redis: redactUrl(config.redisUrl), command }, 'shipmate started');
  if (urls.ingressUrl) {
    const slack = config.slack ? ' (Slack: /slack/events)' : '';
    process.stderr.write(`Shipmate ingress on ${urls.ingressUrl}${slack}\n`);
    if (teamsMode(config) === 'checked') {
      process.stderr.write(`Teams: POST ${urls.ingressUrl}/api/messages\n`);
    } else if (teamsMode(config) === 'unchecked') {
      process.stderr.write(
        `Teams: POST ${urls.ingressUrl}/api/messages without authentication (no ` +
          'MICROSOFT_APP_ID): for the Bot Framework Emulator on this machine only\n',
      );
    }
  }
  if (urls.gatewayUrl) {
    process.stderr.write(`Scoring gateway on ${urls.gatewayUrl}/api/v1/service/<name>/score\n`);
  }
  if (command === 'up' && !config.slack) {
    process.stderr.write(
      'Slack is off (no SLACK_SIGNING_SECRET); drive it with: ./bin/shipmate.js say "help"\n',
    );
  }

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('shutting down');
  await shipmate.stop();
  stopRedis?.();
  return 0;
}

async function say(
  text: string,
  config: Readonly<Config>,
  secrets: SecretRegistry,
  loaded: LoadedPolicy,
) {
  if (text.trim() === '') {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  // The terminal is for the conversation; only errors go to stderr unless LOG_LEVEL says.
  const logger: Logger = createLogger({
    level: process.env.LOG_LEVEL ?? 'error',
    secrets,
    destination: process.stderr,
    pretty: false,
  });

  // Help and typing mistakes need no Redis: they are answered even when nothing runs.
  try {
    const command = parseCommand(text);
    if (command.kind === 'help') {
      process.stdout.write(`${helpText(command.topic)}\n`);
      return 0;
    }
  } catch (error) {
    process.stderr.write(`${errorReply(error, logger)}\n`);
    return 1;
  }

  let shipmate = createShipmate({ config, roles: [], logger, secrets, policy: loaded.policy });
  try {
    await waitUntilReady(shipmate.redis, 5_000);
    // The running product's policy and token lifetime hold here too, not this terminal's.
    const shared = await readSettings(shipmate.redis);
    if (shared !== undefined && differs(shared, loaded, config)) {
      if (config.policyFile !== undefined && shared.policySource !== config.policyFile) {
        process.stderr.write(
          `Using the policy of the running Shipmate (${shared.policySource}); ` +
            'SHIPMATE_POLICY here is not used.\n',
        );
      }
      await shipmate.stop();
      const policy =
        shared.policyText === null
          ? new Policy()
          : parsePolicy(shared.policyText, shared.policySource);
      const sharedConfig = { ...config, tokenLifetimeS: shared.tokenLifetimeS };
      shipmate = createShipmate({ config: sharedConfig, roles: [], logger, secrets, policy });
      await waitUntilReady(shipmate.redis, 5_000);
    }
  } catch {
    process.stderr.write(
      `Redis does not answer at ${redactUrl(config.redisUrl)}. Shipmate keeps its jobs and ` +
        'services there: start Redis, or `npm start`, which starts one when it can.\n',
    );
    await shipmate.stop();
    return 1;
  }

  // `say … | head` may close the pipe before the job ends: stop printing, keep following, and
  // still exit with the job's outcome.
  let piped = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    piped = false;
  });

  const connection = createRedis(config.redisUrl, { blocking: true, name: 'shipmate-say', logger });
  const events = new QueueEvents(jobsQueueName, { connection, prefix: queuePrefix });
  events.on('error', () => undefined);
  await events.waitUntilReady();
  try {
    return await runSay(text, {
      deps: shipmate.deps,
      redis: shipmate.redis,
      events,
      logger,
      out: (line) => {
        if (piped) process.stdout.write(`${line}\n`);
      },
      err: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    await events.close();
    await connection.quit().catch(() => undefined);
    await shipmate.stop();
  }
}

/** True when the running product enforces another policy or token lifetime than this process. */
function differs(shared: SharedSettings, loaded: LoadedPolicy, config: Readonly<Config>): boolean {
  return (
    shared.policyText !== loaded.text ||
    shared.policySource !== loaded.source ||
    shared.tokenLifetimeS !== config.tokenLifetimeS
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`shipmate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
