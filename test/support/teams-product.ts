import { randomBytes, randomUUID } from 'node:crypto';

import { startBotConnectorStub, type BotConnectorStub } from './bot-connector-stub.js';
import {
  startBotFrameworkKeys,
  type BotFrameworkKeys,
  type BotFrameworkSignOptions,
} from './bot-framework-keys.js';
import { startEntraTokenStub, type EntraTokenStub } from './entra-token-stub.js';
import { startProduct, type Product } from './product.js';
import { startRedis, type RedisServer } from './redis-server.js';
import {
  messageActivity,
  postActivity,
  type PostActivityResult,
  type TeamsActivity,
} from './teams-activities.js';
import type { TeamsConversation, TeamsUser } from './teams-conversations.js';

/** A product wired to a private Redis and local stand-ins for everything Teams talks to. */
export interface TeamsProduct {
  redis: RedisServer;
  keys: BotFrameworkKeys;
  entra: EntraTokenStub;
  connector: BotConnectorStub;
  product: Product;
  appId: string;
  tenantId: string;
  appPassword: string;
  /** Posts an activity to `/api/messages` with a valid channel token, or one `sign` bends. */
  send(
    activity: TeamsActivity,
    sign?: Partial<BotFrameworkSignOptions> | 'none',
  ): Promise<PostActivityResult>;
  /** Sends `text` as a user's message in a conversation; resolves to the acknowledgement. */
  say(text: string, user: TeamsUser, conversation: TeamsConversation): Promise<PostActivityResult>;
  stop(): Promise<void>;
}

/**
 * Starts Redis, the Bot Framework keys, the Entra login (https, with its CA handed to the
 * product through NODE_EXTRA_CA_CERTS) and the Bot Connector, then the product with Teams
 * credentials pointing at them. The connector accepts only tokens the login stand-in issued.
 */
export async function startTeamsProduct(env: Record<string, string> = {}): Promise<TeamsProduct> {
  const appId = randomUUID();
  const tenantId = randomUUID();
  const appPassword = `secret-${randomBytes(18).toString('base64url')}`;
  const redis = await startRedis();
  const keys = await startBotFrameworkKeys();
  const entra = await startEntraTokenStub({ tenantId, clientId: appId, clientSecret: appPassword });
  const connector = await startBotConnectorStub({ acceptedTokens: () => entra.issued });
  const product = await startProduct({
    redisUrl: redis.url,
    env: {
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: appPassword,
      MICROSOFT_APP_TENANT_ID: tenantId,
      MICROSOFT_APP_TYPE: 'SingleTenant',
      BOT_OPENID_METADATA_URL: keys.metadataUrl,
      BOT_LOGIN_URL: entra.loginUrl,
      NODE_EXTRA_CA_CERTS: entra.caFile,
      ...env,
    },
  });

  const send: TeamsProduct['send'] = async (activity, sign = {}) => {
    const token =
      sign === 'none'
        ? undefined
        : await keys.sign({ appId, serviceUrl: connector.serviceUrl, ...sign });
    return postActivity(product.ingressUrl, activity, token);
  };

  return {
    redis,
    keys,
    entra,
    connector,
    product,
    appId,
    tenantId,
    appPassword,
    send,
    say(text, user, conversation) {
      return send(
        messageActivity({ text, user, conversation, serviceUrl: connector.serviceUrl, appId }),
      );
    },
    async stop() {
      await product.stop();
      await connector.close();
      await entra.close();
      await keys.close();
      await redis.stop();
    },
  };
}

/** The text of a card the bot sent: every TextRun of its body, lines joined. */
export function cardText(
  activity: { body: Record<string, unknown> } | Record<string, unknown>,
): string {
  const body = 'body' in activity && isRecord(activity.body) ? activity.body : activity;
  const attachments = (body as { attachments?: Array<{ content?: unknown }> }).attachments ?? [];
  return attachments.map((a) => textOfCard(a.content)).join('\n');
}

/** The text of an Adaptive Card: its TextRuns, a line per RichTextBlock, code in backticks. */
export function textOfCard(card: unknown): string {
  const lines: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (isRecord(node)) {
      if (node.type === 'RichTextBlock' && Array.isArray(node.inlines)) {
        lines.push(node.inlines.map(runText).join(''));
        return;
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(isRecord(card) ? card.body : undefined);
  return lines.join('\n');
}

/** A TextRun's text; a monospace run in backticks, as the bot's plain text wrote it. */
function runText(run: unknown): string {
  if (!isRecord(run) || typeof run.text !== 'string') return '';
  return run.fontType === 'Monospace' ? `\`${run.text}\`` : run.text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
