import type { Activity, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';

import type { Logger } from '../../platform/logger.js';
import { isLoopbackHost, isLoopbackUrl } from '../../platform/loopback.js';
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
    (req: Request, res: Response, next: NextFunction) => {
      const problem = requestProblem(req, teams.authenticated);
      if (problem === undefined) {
        next();
        return;
      }
      log.warn({ status: problem.status, reason: problem.error }, 'refused a Teams request');
      res.status(problem.status).json({ error: problem.error });
    },
    express.raw({ type: 'application/json', limit: '256kb' }),
    (req: Request, res: Response) => {
      void handle(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'Teams request failed');
        if (!res.headersSent) res.status(500).json({ error: 'internal error' });
      });
    },
    // The body reader's refusals (too large, an encoding it cannot read) as short JSON, not
    // Express's HTML page with a stack trace.
    // Express knows an error handler by its four parameters, the last unused here.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = httpStatusOf(error);
      log.warn({ status, reason: reasonOf(error) }, 'refused a Teams request body');
      res.status(status).json({ error: status === 413 ? 'the body is too large' : 'bad request' });
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
    let otherTenant = false;
    try {
      const response = await teams.adapter.run(authHeader, activity, async (context) => {
        started = true;
        // A single-tenant bot serves its own organisation only, however valid the token.
        if (!fromOwnTenant(context.activity, teams.tenantId)) {
          otherTenant = true;
          return;
        }
        await options.logic(context);
      });
      // Set inside the callback, which the linter cannot see.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (otherTenant) {
        log.warn(
          { type: activity.type, tenant: teams.tenantId },
          'refused a Teams activity from another tenant',
        );
        res.status(403).json({ error: 'this bot serves one Microsoft Entra tenant only' });
        return;
      }
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

/**
 * Refusals before the body is read. The Bot Connector and the Emulator post JSON and send no
 * `Origin`; a web page can only post JSON to another site after a CORS preflight, which this
 * endpoint never grants, and its requests carry an `Origin`. So no page a user visits can
 * talk to the bot, least of all to an unauthenticated one on their laptop. Unauthenticated,
 * the `Host` must be this machine too, so a name that resolves here (DNS rebinding) does not
 * pass for it.
 */
function requestProblem(
  req: Request,
  authenticated: boolean,
): { status: number; error: string } | undefined {
  if (req.is('application/json') !== 'application/json') {
    return { status: 415, error: 'expected a JSON activity (Content-Type: application/json)' };
  }
  if (req.headers.origin !== undefined) {
    return { status: 403, error: 'requests from web pages are refused' };
  }
  const host = /^(\[[^\]]*\]|[^:]*)/.exec(req.headers.host ?? '')?.[1] ?? '';
  if (!authenticated && !isLoopbackHost(host)) {
    return { status: 403, error: 'without MICROSOFT_APP_ID, only this machine may call' };
  }
  return undefined;
}

/**
 * True when a single-tenant bot may serve the activity: every tenant id it states (in
 * `channelData.tenant` and `conversation.tenantId`) is the bot's own, compared without case,
 * and it states one. A multi-tenant bot serves every tenant.
 */
function fromOwnTenant(activity: Activity, own: string | undefined): boolean {
  if (own === undefined) return true;
  const data = z
    .object({ tenant: z.object({ id: z.string() }).optional() })
    .safeParse(activity.channelData);
  const conversation = activity.conversation as { tenantId?: string } | undefined;
  const stated = [data.success ? data.data.tenant?.id : undefined, conversation?.tenantId].filter(
    (id): id is string => id !== undefined,
  );
  return stated.length > 0 && stated.every((id) => id.toLowerCase() === own.toLowerCase());
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

function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The SDK's messages name the failed check; keep them short and free of any token.
  return message.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]').slice(0, 200);
}
