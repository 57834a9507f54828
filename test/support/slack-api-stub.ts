import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { sendJson } from './send-json.js';
import { readSlackBody } from './slack-body.js';
import { createSlackMethods, type SlackStubMessage, type SlackStubView } from './slack-methods.js';

export type { SlackMessageVersion, SlackStubMessage, SlackStubView } from './slack-methods.js';

/** Options for {@link startSlackApiStub}. */
export interface SlackApiStubOptions {
  /** The bot token every Web API call must carry. Default `xoxb-stub`. */
  token?: string;
  /** Default `T0SHIPMATE`. */
  teamId?: string;
  /** The bot's user id, returned by `auth.test`. Default `U0SHIPBOT`. */
  botUserId?: string;
  /** Default `B0SHIPBOT`. */
  botId?: string;
}

/** One request to `/api/<method>`, recorded whatever its outcome. */
export interface SlackApiCall {
  method: string;
  /** The parsed arguments, without `token`; JSON-encoded form fields are parsed back. */
  args: Record<string, unknown>;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** The token the call carried, from `Authorization: Bearer` or a `token` field. */
  token: string | undefined;
  /** The HTTP status answered. */
  status: number;
  /** The Slack error code answered, if the call failed. */
  error: string | undefined;
}

/** One POST to a response URL served by the stub. */
export interface SlackResponseUrlPost {
  id: string;
  body: unknown;
  at: number;
}

/** How the next call(s) to a method fail; see {@link SlackApiStub.failNext}. */
export interface FailNextOptions {
  /** HTTP status. Default 429, or 200 when `error` is given. */
  status?: number;
  /** Sent as `Retry-After` with a 429. Default 1. */
  retryAfterSeconds?: number;
  /** How many calls fail. Default 1. */
  count?: number;
  /** Slack error code in the body. Default `ratelimited` for a 429. */
  error?: string;
}

/** A local stand-in for Slack's Web API and response URLs; see {@link startSlackApiStub}. */
export interface SlackApiStub {
  /** Base URL for `slackApiUrl`, ending in `/api/`. */
  url: string;
  port: number;
  /** The token the stub accepts. */
  token: string;
  calls: SlackApiCall[];
  /** Messages by `<channel>:<ts>`, with every version of each. */
  messages: Map<string, SlackStubMessage>;
  /** Views opened, by view id. */
  views: Map<string, SlackStubView>;
  responses: SlackResponseUrlPost[];
  /** The calls made to one method, in order. */
  callsTo(method: string): SlackApiCall[];
  /** `http://127.0.0.1:<port>/response/<id>`: a response URL whose posts land in `responses`. */
  responseUrl(id: string): string;
  /** Makes the next call(s) to `method` fail, by default with a 429 and `Retry-After: 1`. */
  failNext(method: string, options?: FailNextOptions): void;
  /** Forgets calls, messages, views, responses and pending failures. */
  reset(): void;
  close(): Promise<void>;
}

interface Failure {
  status: number;
  retryAfterSeconds: number;
  error: string;
}

/**
 * Starts an HTTP server on 127.0.0.1 that answers `POST /api/<method>` in Slack's Web API wire
 * format (`auth.test`, `chat.postMessage`, `chat.update`, `chat.postEphemeral`, `views.open`,
 * `views.update`; anything else is `unknown_method`) and records what it was sent.
 */
export async function startSlackApiStub(options: SlackApiStubOptions = {}): Promise<SlackApiStub> {
  const token = options.token ?? 'xoxb-stub';
  const calls: SlackApiCall[] = [];
  const responses: SlackResponseUrlPost[] = [];
  const failures = new Map<string, Failure[]>();
  let base = '';
  const methods = createSlackMethods({
    teamId: options.teamId ?? 'T0SHIPMATE',
    botUserId: options.botUserId ?? 'U0SHIPBOT',
    botId: options.botId ?? 'B0SHIPBOT',
    baseUrl: () => base,
  });

  const handleApi = async (request: IncomingMessage, response: ServerResponse, method: string) => {
    const args = await readSlackBody(request);
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const callToken = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    const call: SlackApiCall = {
      method,
      args,
      at: Date.now(),
      token: callToken,
      status: 200,
      error: undefined,
    };
    calls.push(call);

    const failure = failures.get(method)?.shift();
    if (failure !== undefined) {
      call.status = failure.status;
      call.error = failure.error;
      const headers: Record<string, string> = {};
      if (failure.status === 429) headers['retry-after'] = String(failure.retryAfterSeconds);
      sendJson(response, failure.status, { ok: false, error: failure.error }, headers);
      return;
    }

    const handler = methods.handlers.get(method);
    const result =
      handler === undefined
        ? { ok: false, error: 'unknown_method' }
        : callToken !== token
          ? { ok: false, error: 'invalid_auth' }
          : handler(args);
    call.error = result.ok ? undefined : String(result.error);
    sendJson(response, 200, result);
  };

  const handleResponseUrl = async (request: IncomingMessage, response: ServerResponse) => {
    const id = decodeURIComponent(request.url?.slice('/response/'.length).split('?')[0] ?? '');
    const body = await readSlackBody(request);
    responses.push({ id, body, at: Date.now() });
    sendJson(response, 200, { ok: true });
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const method = /^\/api\/([\w.]+)$/.exec(path)?.[1];
    const work =
      method !== undefined
        ? handleApi(request, response, method)
        : request.method === 'POST' && path.startsWith('/response/')
          ? handleResponseUrl(request, response)
          : Promise.resolve(sendJson(response, 404, { ok: false, error: 'not_found' }));
    work.catch((error: unknown) => {
      sendJson(response, 400, { ok: false, error: 'invalid_request', detail: String(error) });
    });
  });

  server.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve).once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  return {
    url: `${base}/api/`,
    port,
    token,
    calls,
    messages: methods.messages,
    views: methods.views,
    responses,
    callsTo: (method) => calls.filter((call) => call.method === method),
    responseUrl: (id) => `${base}/response/${encodeURIComponent(id)}`,
    failNext(method, failOptions = {}) {
      const status = failOptions.status ?? (failOptions.error === undefined ? 429 : 200);
      const error = failOptions.error ?? (status === 429 ? 'ratelimited' : 'fatal_error');
      const failure = { status, error, retryAfterSeconds: failOptions.retryAfterSeconds ?? 1 };
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < (failOptions.count ?? 1); i += 1) queue.push(failure);
      failures.set(method, queue);
    },
    reset() {
      calls.length = 0;
      responses.length = 0;
      failures.clear();
      methods.messages.clear();
      methods.views.clear();
    },
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
