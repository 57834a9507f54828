import { App, ExpressReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Express } from 'express';

import type { SlackConfig } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';
import { boltLogger } from './bolt-logger.js';
import { timestampWindow } from './timestamp-window.js';

/** Options for {@link createSlackApp}. */
export interface CreateSlackAppOptions {
  config: SlackConfig;
  /** The ingress express app; Bolt mounts `POST /slack/events` on it. */
  express: Express;
  logger: Logger;
}

/** The Bolt app and the Web API client the product posts with. */
export interface SlackApp {
  app: App;
  client: WebClient;
}

/**
 * A Bolt app on the shared ingress. Bolt checks the signature over the raw body and the
 * 5-minute timestamp window before any parsing, and answers 401 otherwise.
 */
export function createSlackApp(options: CreateSlackAppOptions): SlackApp {
  const { config } = options;
  if (config.signingSecret.trim() === '') {
    throw new Error('SLACK_SIGNING_SECRET is empty: refusing to accept unsigned Slack requests');
  }
  const logger = boltLogger(options.logger);
  const client = new WebClient(config.botToken, {
    logger,
    // The default retries one write for about half an hour, holding every later write to the
    // channel behind it. A few quick tries, then the notifier's look-again (every 30 s) takes
    // over: the message ends right either way, and other jobs' messages are not held up.
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
  });

  // Bolt's single-token mode calls auth.test before every request it processes unless told
  // the bot's ids, which would put a Slack round trip (and its rate limit) in front of every
  // acknowledgement. Learn the ids once, in the background, and authorize from memory.
  let identity: { botId?: string; botUserId?: string } = {};
  client.auth
    .test()
    .then((result) => {
      identity = { botId: result.bot_id, botUserId: result.user_id };
    })
    .catch((error: unknown) => {
      options.logger.error({ err: error }, 'Slack rejected SLACK_BOT_TOKEN (auth.test failed)');
    });

  options.express.use('/slack/events', timestampWindow());
  const receiver = new ExpressReceiver({
    signingSecret: config.signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    app: options.express,
    logger,
  });
  const app = new App({
    receiver,
    logger,
    authorize: () => Promise.resolve({ botToken: config.botToken, ...identity }),
    clientOptions: config.apiUrl ? { slackApiUrl: config.apiUrl } : {},
  });
  return { app, client };
}
