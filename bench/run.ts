/**
 * `npm run bench`: starts a private Redis, a Slack API stub and Shipmate from source, all on
 * 127.0.0.1, measures the figures of the brief and prints them against their goals, and
 * how Teams messages are acknowledged and answered.
 * Exits 0 when it ran (goals missed or not), 1 when it could not run.
 */
import { measureAckLatency } from './ack-latency.js';
import { Closers } from './closers.js';
import { waitForQuiet, type CpuShare } from './cpu-usage.js';
import { timeDeployToScore, type DeployTiming } from './deploy-to-score.js';
import { startEnvironment, type BenchEnvironment } from './environment.js';
import { waitForPorts } from './model-ports.js';
import { printReport, type ThroughputPair } from './report.js';
import { measureSplit, measureSwitch } from './rollout-phase.js';
import { closeRoute, directRoute, gatewayRoute } from './scoring-client.js';
import { measureScoringLatency, type ScoringLatency } from './scoring-latency.js';
import { measureTeams } from './teams-phase.js';
import { deployReplicas, throughputOf } from './throughput-phase.js';
import { sleep } from './timing.js';

const progress = (text: string): void => void process.stderr.write(`[bench] ${text}\n`);

async function main(closers: Closers): Promise<void> {
  const env = await startEnvironment(closers, progress);
  const { chat, slack, product, home } = env;
  const cpu: Record<string, CpuShare> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const others = await waitForQuiet(env.cpu);
    if (others >= 50) progress(`other processes busy (${Math.round(others)} % of a core)`);
    const start = await env.cpu.snapshot();
    const result = await work();
    cpu[name] = await env.cpu.since(start);
    return result;
  };

  const deploys = await phase('2 deploy -> 200', async () => {
    const timings: DeployTiming[] = [];
    for (const service of ['bench-d1', 'bench-d2', 'bench-d3']) {
      progress(`2: deploy -> first 200 for ${service}`);
      timings.push(
        await timeDeployToScore({ chat, slack, gatewayUrl: product.gatewayUrl, service }),
      );
      await sleep(1_000);
    }
    return timings;
  });
  const first = deploys[0];
  if (first === undefined) throw new Error('no deploy was timed');

  const authTestsBefore = slack.callsTo('auth.test').length;
  const mix = ['bench-m1', 'bench-m2', 'bench-m3', 'bench-m4'];
  const ack = await phase('1 slash acks', () => {
    progress('1: slash-command acks, 500 at 50/s');
    return measureAckLatency({
      chat,
      slack,
      ratePerSecond: 50,
      count: 500,
      deployNames: mix,
      existing: first.service,
      warmUp: 20,
    });
  });
  const authTests = slack.callsTo('auth.test').length - authTestsBefore;
  await Promise.all(mix.map((service) => waitForPorts(home, service, 1)));

  const teams = await phase('6 teams messages', () => {
    progress('6: Teams messages, 200 at 20/s over 4 channels, each token checked');
    return measureTeams(env.teams, {
      ingressUrl: product.ingressUrl,
      count: 200,
      ratePerSecond: 20,
      conversations: 4,
      existing: first.service,
    });
  });

  const latency = await phase('3 added latency', () => addedLatency(env, first));

  const throughput: ThroughputPair[] = [];
  const shape = {
    home,
    gatewayUrl: product.gatewayUrl,
    clients: 16,
    seconds: 5,
    progress,
    cpu: env.cpu,
  };
  throughput.push(await throughputOf({ ...shape, target: first, replicas: 1 }));
  progress('4: deploying bench-r2 with 2 replicas');
  const twin = await deployReplicas(chat, home, 'bench-r2', 2);
  throughput.push(await throughputOf({ ...shape, target: twin, replicas: 2 }));

  const rolloutOptions = {
    chat,
    slack,
    gatewayUrl: product.gatewayUrl,
    service: first.service,
    key: first.keys.primary,
    progress,
  };
  const split = await phase('5 traffic split', () => measureSplit(rolloutOptions, 10_000));
  const switched = await phase('5 service update', () => measureSwitch(rolloutOptions));

  printReport({
    rollout: { split, switched },
    deploys: deploys.map(withoutKeys),
    ack: { ...ack, authTests },
    teams,
    latency,
    throughput,
    // Two replicas help direct (one GIL each) far more than the gateway (one event loop), so
    // the goal is judged on one replica, the shape that loads both sides alike.
    judgedReplicas: 1,
    cpu,
    productWarnings: warningsOf(env),
  });
}

/** Sequential requests to the first service's one replica, direct and through the gateway. */
async function addedLatency(env: BenchEnvironment, target: DeployTiming): Promise<ScoringLatency> {
  progress('3: gateway added latency, sequential');
  const [port = 0] = await waitForPorts(env.home, target.service, 1);
  const direct = directRoute([port], 1);
  const gateway = gatewayRoute(env.product.gatewayUrl, target.service, target.keys.primary, 1);
  try {
    return await measureScoringLatency({ direct, gateway, warmUp: 200, requests: 2_000 });
  } finally {
    await Promise.all([closeRoute(direct), closeRoute(gateway)]);
  }
}

function withoutKeys(timing: DeployTiming): Omit<DeployTiming, 'keys'> {
  const { service, ackMs, keysMs, firstScoreMs, jobSucceededMs } = timing;
  return { service, ackMs, keysMs, firstScoreMs, jobSucceededMs };
}

/** Lines the product logged at warn or above, and Slack API calls that failed. */
function warningsOf(env: BenchEnvironment): { logLines: string[]; failedSlackCalls: number } {
  const lines = env.product.output().split('\n');
  return {
    logLines: lines.filter((line) => /"level":(40|50|60)/.test(line)),
    failedSlackCalls: env.slack.calls.filter((call) => call.error !== undefined).length,
  };
}

const closers = new Closers();
closers.onSignals(progress);
main(closers).then(
  async () => {
    await closers.closeAll(progress);
    process.exit(0);
  },
  async (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`bench could not run: ${text}\n`);
    await closers.closeAll(progress);
    process.exit(1);
  },
);
