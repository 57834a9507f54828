import type { Chat, ScoringKeys } from './chat.js';
import { waitForQuiet, type CpuMeter } from './cpu-usage.js';
import { waitForPorts } from './model-ports.js';
import type { ThroughputPair } from './report.js';
import { closeRoute, directRoute, gatewayRoute, type ScoringRoute } from './scoring-client.js';
import { measureThroughput } from './scoring-throughput.js';
import { sleep } from './timing.js';

/** A deployed service and a key that opens it. */
export interface KeyedService {
  service: string;
  keys: ScoringKeys;
}

/** Options for {@link throughputOf}. */
export interface ThroughputPhaseOptions {
  home: string;
  gatewayUrl: string;
  target: KeyedService;
  replicas: number;
  clients: number;
  seconds: number;
  cpu: CpuMeter;
  progress: (text: string) => void;
}

/** Closed loop against one service: direct (round robin over its replicas), then gateway. */
export async function throughputOf(options: ThroughputPhaseOptions): Promise<ThroughputPair> {
  const { target, replicas, clients, seconds, progress } = options;
  const ports = await waitForPorts(options.home, target.service, replicas);
  const direct = directRoute(ports, clients);
  const gateway = gatewayRoute(options.gatewayUrl, target.service, target.keys.primary, clients);
  const run = async (route: ScoringRoute) => {
    await waitForQuiet(options.cpu);
    progress(`4: throughput, ${replicas} replica(s), ${route.label}`);
    return measureThroughput({ route, clients, seconds, warmUpSeconds: 1, cpu: options.cpu });
  };

  try {
    const directRun = await run(direct);
    const gatewayRun = await run(gateway);
    return { replicas, clients, direct: directRun, gateway: gatewayRun };
  } finally {
    await Promise.all([closeRoute(direct), closeRoute(gateway)]);
  }
}

/** Deploys a service with several replicas through Slack and gets its key from Slack. */
export async function deployReplicas(
  chat: Chat,
  home: string,
  service: string,
  replicas: number,
): Promise<KeyedService> {
  const sent = await chat.send(`deploy diabetes:1 --name ${service} --replicas ${replicas}`);
  if (sent.ack.status !== 200 || sent.ack.json !== undefined) {
    throw new Error(`deploy of ${service} was refused: ${sent.ack.body}`);
  }

  await waitForPorts(home, service, replicas);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const keys = await chat.keys(service);
    if (keys !== undefined) return { service, keys };
    await sleep(100);
  }
  throw new Error(`${service} has no keys 10 s after its replicas were ready`);
}
