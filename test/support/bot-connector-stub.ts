import { createServer, type IncomingMessage } from 'node:http';

import { listenOnLoopback } from './listen-on-loopback.js';
import {
  botError,
  createBotConnectorRoutes,
  type ConnectorActivity,
  type ConnectorConversation,
  type TeamsMember,
} from './bot-connector-routes.js';
import { sendJson } from './send-json.js';
import { waitFor } from './wait-for.js';

export type {
  ConnectorActivity,
  ConnectorConversation,
  TeamsMember,
} from './bot-connector-routes.js';

/** Options for {@link startBotConnectorStub}. */
export interface BotConnectorStubOptions {
  /**
   * The bearer tokens accepted right now, e.g. `() => entra.issued`. When given, a request
   * without one of them is answered 401. Default: every request is accepted.
   */
  acceptedTokens?: () => string[];
  /** The path of `serviceUrl`, as Teams has `/teams/` or `/amer/`. Default `/teams`. */
  pathPrefix?: string;
}

/** One request to the stub, recorded whatever its outcome. */
export interface ConnectorRequestLog {
  method: string;
  /** The path with its segments decoded, without the query. */
  path: string;
  status: number;
  at: number;
  /** The bearer token the request carried. */
  token: string | undefined;
}

/** How the next request(s) fail; see {@link BotConnectorStub.failNext}. */
export interface ConnectorFailure {
  /** 429, 412, 502, 504 or any other status. */
  status: number;
  /** How many requests fail. Default 1. */
  count?: number;
  /** Sent as `Retry-After` with a 429. Default 1. */
  retryAfterSeconds?: number;
  /** Only requests with this method fail. Default any. */
  method?: 'GET' | 'POST' | 'PUT';
}

/** A local stand-in for the Bot Connector service; see {@link startBotConnectorStub}. */
export interface BotConnectorStub {
  /** `http://127.0.0.1:<port>/teams/`: the `serviceUrl` to put in activities. */
  serviceUrl: string;
  port: number;
  requests: ConnectorRequestLog[];
  /** 1:1 conversations created, one entry per successful `POST /v3/conversations`. */
  conversations: ConnectorConversation[];
  /** Activities the bot sent, in order, optionally only those of one conversation. */
  activities(conversationId?: string): ConnectorActivity[];
  /** Resolves with the first activity that satisfies `predicate`. Default timeout 5000 ms. */
  waitForActivity(
    predicate: (activity: ConnectorActivity) => boolean,
    timeoutMs?: number,
  ): Promise<ConnectorActivity>;
  /** Sets the roster the members APIs answer for a conversation. */
  setMembers(conversationId: string, members: TeamsMember[]): void;
  /** While on, creating a conversation is answered 403 with `code`. */
  refuseConversations(refuse: boolean, code?: string): void;
  /** Answers the next `count` requests (with `method`, if given) with `status`. */
  failNext(failure: ConnectorFailure): void;
  close(): Promise<void>;
}

const failureCodes: Record<number, string> = {
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  502: 'ServiceError',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * Starts an HTTP server on 127.0.0.1 that answers the Bot Connector REST API under
 * `<pathPrefix>/v3/conversations` as Teams does for a bot: send, reply to and update
 * activities, create a 1:1 chat, and read its members. It records every request and activity,
 * checks bearer tokens when told which are valid, and fails requests on demand.
 */
export async function startBotConnectorStub(
  options: BotConnectorStubOptions = {},
): Promise<BotConnectorStub> {
  const prefix = `${options.pathPrefix ?? '/teams'}/v3/conversations`;
  const routes = createBotConnectorRoutes();
  const requests: ConnectorRequestLog[] = [];
  const failures: PendingFailure[] = [];

  const handle = async (request: IncomingMessage, entry: ConnectorRequestLog): Promise<Answer> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const accepted = options.acceptedTokens?.();
    if (accepted !== undefined && !accepted.includes(entry.token ?? '')) {
      return [401, { message: 'Authorization has been denied for this request.' }];
    }
    const failure = failures.find((f) => f.method === undefined || f.method === entry.method);
    if (failure !== undefined) {
      failures.splice(failures.indexOf(failure), 1);
      const headers: Record<string, string> =
        failure.status === 429 ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
      const code = failureCodes[failure.status] ?? 'ServiceError';
      return [failure.status, botError(code, 'Failed on purpose by the stand-in.'), headers];
    }
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
      return [404, botError('NotFound', 'Not a Bot Connector path.')];
    }

    const body = await readJsonObject(request);
    if (body === undefined) return [400, botError('BadSyntax', 'The body is not a JSON object.')];
    const segments = url.pathname.slice(prefix.length).split('/').slice(1).map(safeDecode);
    return routes.handle({ method: entry.method, segments, query: url.searchParams, body });
  };

  const server = createServer((request, response) => {
    const entry = logEntry(request);
    requests.push(entry);
    void handle(request, entry)
      .catch((error: unknown): Answer => [500, botError('ServiceError', String(error))])
      .then(([status, body, headers]) => {
        entry.status = status;
        sendJson(response, status, body, headers);
      });
  });
  const listener = await listenOnLoopback(server);

  const activities = (conversationId?: string) =>
    routes.activities.filter(
      (a) => conversationId === undefined || a.conversationId === conversationId,
    );

  return {
    serviceUrl: `http://127.0.0.1:${listener.port}${options.pathPrefix ?? '/teams'}/`,
    port: listener.port,
    requests,
    conversations: routes.conversations,
    activities,
    waitForActivity: (predicate, timeoutMs = 5000) =>
      waitFor(() => routes.activities.find(predicate), {
        what: 'the bot to send a matching activity to the Bot Connector stand-in',
        timeoutMs,
      }),
    setMembers: (conversationId, members) => routes.members.set(conversationId, members),
    refuseConversations(refuse, code = 'BotNotInConversationRoster') {
      routes.refusal.code = refuse ? code : undefined;
    },
    failNext({ status, count = 1, retryAfterSeconds = 1, method }) {
      for (let i = 0; i < count; i += 1) failures.push({ status, retryAfterSeconds, method });
    },
    close: () => listener.close(),
  };
}

type Answer = [status: number, body: unknown, headers?: Record<string, string>];

interface PendingFailure {
  status: number;
  retryAfterSeconds: number;
  method: string | undefined;
}

function logEntry(request: IncomingMessage): ConnectorRequestLog {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.split('/').map(safeDecode).join('/');
  const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return { method: request.method ?? '', path, status: 0, at: Date.now(), token };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The body of a POST or PUT as a JSON object, `{}` for other methods, undefined if not JSON. */
async function readJsonObject(
  request: IncomingMessage,
): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (request.method !== 'POST' && request.method !== 'PUT') return {};

  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
