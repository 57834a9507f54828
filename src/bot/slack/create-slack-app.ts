import { App, ExpressReceiver } from '@slack/bolt';
import type { Express } from 'express';

import type { SlackConfig } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';
import { boltLogger } from './bolt-logger.js';

/** Options for {@link createSlackApp}. */
export interface CreateSlackAppOptions {
  config: SlackConfig;
  /** The ingress express app; Bolt mounts `POST /slack/events` on it. */
  express: Express;
  logger: Logger;
}

/**
 * A Bolt app on the shared ingress. Bolt checks the signature over the raw body and the
 * 5-minute timestamp window before any parsing, and answers 401 otherwise.
 */
export function createSlackApp(options: CreateSlackAppOptions): App {
  if (options.config.signingSecret.trim() === '') {
    throw new Error('SLACK_SIGNING_SECRET is empty: refusing to accept unsigned Slack requests');
  }
  const logger = boltLogger(options.logger);
  const receiver = new ExpressReceiver({
    signingSecret: options.config.signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    app: options.express,
    logger,
  });
  return new App({
    token: options.config.botToken,
    receiver,
    logger,
    // No auth.test round trip at start-up: the first real call proves the token.
    tokenVerificationEnabled: false,
    clientOptions: options.config.apiUrl ? { slackApiUrl: options.config.apiUrl } : {},
  });
}
