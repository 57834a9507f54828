import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { startBotConnectorStub } from '../test/support/bot-connector-stub.js';
import { startBotFrameworkKeys } from '../test/support/bot-framework-keys.js';
import { startEntraTokenStub } from '../test/support/entra-token-stub.js';
import { writePolicyFile } from '../test/support/policy-file.js';
import { startProduct, type Product } from '../test/support/product.js';
import { startRedis } from '../test/support/redis-server.js';
import { startSlackApiStub, type SlackApiStub } from '../test/support/slack-api-stub.js';
import { createChat, type Chat } from './chat.js';
import type { Closers } from './closers.js';
import { createCpuMeter } from './cpu-usage.js';
import { killLeftovers } from './leftover-processes.js';
import type { TeamsBench } from './teams-phase.js';

/** Everything the bench runs against, all on 127.0.0.1. */
export interface BenchEnvironment {
  product: Product;
  slack: SlackApiStub;
  teams: TeamsBench;
  chat: Chat;
  home: string;
  cpu: ReturnType<typeof createCpuMeter>;
}

const signingSecret = 'bench-signing-secret-0123456789abcdef';

/**
 * Starts a private Redis, the Slack API stub, the Teams stand-ins and `shipmate up` from source
 * with Slack and Teams pointed at them and LOG_LEVEL=warn. Each is registered with `closers`
 * as soon as it runs.
 */
export async function startEnvironment(
  closers: Closers,
  progress: (text: string) => void,
): Promise<BenchEnvironment> {
  const redis = await startRedis();
  closers.add('redis', () => redis.stop());
  const slack = await startSlackApiStub();
  closers.add('slack stub', () => slack.close());
  const home = await mkdtemp(path.join(os.tmpdir(), 'shipmate-bench-'));
  closers.add('home', () => rm(home, { recursive: true, force: true }));
  // Also catches a product that never printed its start line and so has no handle.
  closers.add('leftover processes', async () => {
    const killed = await killLeftovers(home);
    if (killed.length > 0) progress(`killed leftover processes ${killed.join(', ')}`);
  });

  const teams = await startTeamsStandIns(closers);

  progress('starting the product (LOG_LEVEL=warn)');
  const product = await startProduct({
    redisUrl: redis.url,
    home,
    // The usual start line is logged at info, which LOG_LEVEL=warn hides.
    readyText: 'Scoring gateway on',
    env: {
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      ...teams.env,
      LOG_LEVEL: 'warn',
      // The bench measures the product, not a second person approving: every change runs.
      SHIPMATE_POLICY: await writePolicyFile("rules:\n  - name: bench\n    commands: ['*']\n"),
    },
  });
  closers.add('product', () => product.stop());

  const chat = createChat({
    ingressUrl: product.ingressUrl,
    signingSecret,
    slack,
    channelId: 'C0BENCH',
  });
  const cpu = createCpuMeter({ home, redisPid: redis.pid, cores: os.cpus().length });
  return { product, slack, teams: teams.bench, chat, home, cpu };
}

/** The Bot Framework keys, the Entra login and the Bot Connector, and the product's env. */
async function startTeamsStandIns(
  closers: Closers,
): Promise<{ bench: TeamsBench; env: Record<string, string> }> {
  const appId = randomUUID();
  const tenantId = randomUUID();
  const appPassword = randomBytes(24).toString('base64url');
  const keys = await startBotFrameworkKeys();
  closers.add('bot framework keys', () => keys.close());
  const entra = await startEntraTokenStub({ tenantId, clientId: appId, clientSecret: appPassword });
  closers.add('entra stub', () => entra.close());
  const connector = await startBotConnectorStub({ acceptedTokens: () => entra.issued });
  closers.add('bot connector stub', () => connector.close());

  const token = await keys.sign({ appId, serviceUrl: connector.serviceUrl, expiresInS: 3_600 });
  return {
    bench: { connector, appId, tenantId, token },
    env: {
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: appPassword,
      MICROSOFT_APP_TENANT_ID: tenantId,
      BOT_OPENID_METADATA_URL: keys.metadataUrl,
      BOT_LOGIN_URL: entra.loginUrl,
      NODE_EXTRA_CA_CERTS: entra.caFile,
    },
  };
}
