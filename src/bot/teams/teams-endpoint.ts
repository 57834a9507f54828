import type { Activity, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';

import type { Logger } from '../../platform/logger.js';
import { isLoopbackUrl } from '../../platform/loopback.js';
import type { TeamsAdapter } from './create-teams-adapter.js';

/** Options for {@link mountTeamsEndpoint}. */
export interface TeamsEndpointOptions {
  express: Express;
  teams: TeamsAdapter;
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
}

/** The fields every activity must have before the SDK sees it; the rest pass through. */
const incomingActivity = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(512).optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: z.looseObject({ id: z.string().min(1).max(1024) }),
  from: z.looseObject({ id: z.string().min(1).max(512) }),
  recipient: z.looseObject({ id: z.string().min(1).max(512) }),
  text: z.string().max(10_000).optional(),
});

/**
 * `POST /api/messages`: Bot Framework activities, authenticated by botbuilder's CloudAdapter
 * (the JWT's signature against the OpenID metadata's keys, issuer, audience = the app id,
 * expiry, and its `serviceurl` claim against the activity). Whatever fails before the bot's
 * own logic runs is an authentication failure and gets 401, including the SDK's 500 for a
 * signature made with a key it does not trust; nothing of the activity is acted on.
 */
export function mountTeamsEndpoint(options: TeamsEndpointOptions): void {
  const { teams, logger } = options;
  const log = logger.child({ platform: 'teams' });

  options.express.post(
    '/api/messages',
    express.raw({ type: () => true, limit: '256kb' }),
    (req: Request, res: Response) => {
      void handle(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'Teams request failed');
        if (!res.headersSent) res.status(500).json({ error: 'internal error' });
      });
    },
  );

  async function handle(req: Request, res: Response): Promise<void> {
    const activity = parseActivity(req.body);
    if (typeof activity === 'string') {
      res.status(400).json({ error: activity });
      return;
    }

    const authHeader = req.headers.authorization ?? '';
    if (!teams.authenticated) {
      // Without credentials nothing can be checked: only the Emulator or a test on this very
      // machine talks to the bot, and it answers only to a connector on this machine.
      if (!isLoopbackUrl(activity.serviceUrl)) {
        res.status(401).json({
          error:
            'Shipmate runs without MICROSOFT_APP_ID: it answers only activities whose ' +
            'serviceUrl is on this machine.',
        });
        return;
      }
    }

    let started = false;
    try {
      const response = await teams.adapter.run(authHeader, activity, async (context) => {
        started = true;
        await options.logic(context);
      });
      res.status(response?.status ?? 200);
      if (response?.body === undefined) res.end();
      else res.json(response.body);
    } catch (error) {
      // `started` is set inside the callback, which the linter cannot see.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (error instanceof AuthenticationError || !started) {
        // The reason goes to the log only; the token itself never does.
        log.warn({ reason: reasonOf(error), type: activity.type }, 'refused a Teams activity');
        res.status(401).json({ error: 'unauthorized' });
        return;
      }
      log.error({ err: error, type: activity.type }, 'a Teams activity failed');
      res.status(500).json({ error: 'internal error' });
    }
  }
}

/** The activity in a request body, or why it is not one. */
function parseActivity(body: unknown): Activity | string {
  if (!Buffer.isBuffer(body) || body.length === 0) return 'expected a JSON activity as the body';
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return 'the body is not valid JSON';
  }
  const parsed = incomingActivity.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `not a Bot Framework activity: ${issue?.path.join('.') || 'body'}: ${issue?.message}`;
  }
  return parsed.data as unknown as Activity;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The SDK's messages name the failed check; keep them short and free of any token.
  return message.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]').slice(0, 200);
}
