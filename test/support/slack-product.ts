import { startProduct, type Product } from './product.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { startSlackApiStub, type SlackApiStub } from './slack-api-stub.js';

/** A product wired to a private Redis and a local Slack Web API, as every Slack e2e needs. */
export interface SlackProduct {
  redis: RedisServer;
  slack: SlackApiStub;
  product: Product;
  stop(): Promise<void>;
}

/** Starts Redis, the Slack stub and the product with Slack configured to use them. */
export async function startSlackProduct(
  signingSecret: string,
  env: Record<string, string> = {},
): Promise<SlackProduct> {
  const redis = await startRedis();
  const slack = await startSlackApiStub();
  const product = await startProduct({
    redisUrl: redis.url,
    env: {
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      ...env,
    },
  });
  return {
    redis,
    slack,
    product,
    async stop() {
      await product.stop();
      await slack.close();
      await redis.stop();
    },
  };
}
