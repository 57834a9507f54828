import { createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** The two headers Slack signs a request with. */
export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** The fields of a slash command; see {@link slashCommandBody}. */
export interface SlashCommandFields {
  text: string;
  userId: string;
  channelId: string;
  teamId: string;
  /** Where the bot may answer; point it at a local stand-in such as the Slack stub. */
  responseUrl: string;
  /** Default `roadrunner`. */
  userName?: string;
  /** Default a fresh trigger id in Slack's shape. */
  triggerId?: string;
  /** Default `/ml`. */
  command?: string;
  /** Default `shipmate-test`. */
  teamDomain?: string;
  /** Default `deployments`. */
  channelName?: string;
  /** Default `A0SHIPMATE`. */
  apiAppId?: string;
  /** The deprecated verification token. Default `verification-token-unused`. */
  token?: string;
  /** Default false. */
  isEnterpriseInstall?: boolean;
}

/** How a signed request is sent; the defaults sign it correctly for now. */
export interface SignedRequestOptions {
  /** Unix seconds to sign with and send. Default now. */
  timestamp?: number;
  /** Sent instead of the correct signature, to test refusal. */
  signature?: string;
  /** Extra headers, such as `x-slack-retry-num`. */
  headers?: Record<string, string>;
}

/** What the bot answered. */
export interface SlackIngressResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  /** Milliseconds from sending the request to reading the whole answer. */
  ms: number;
}

/**
 * Signs a raw request body the way Slack does: `v0=` and the hex HMAC-SHA256 of
 * `v0:<timestamp>:<body>` under the signing secret.
 */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const timestamp = String(timestampSeconds);
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:${rawBody}`)
    .digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': timestamp };
}

/** Form-encodes a slash command with the fields, in the order, of Slack's documented payload. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams([
    ['token', fields.token ?? 'verification-token-unused'],
    ['team_id', fields.teamId],
    ['team_domain', fields.teamDomain ?? 'shipmate-test'],
    ['channel_id', fields.channelId],
    ['channel_name', fields.channelName ?? 'deployments'],
    ['user_id', fields.userId],
    ['user_name', fields.userName ?? 'roadrunner'],
    ['command', fields.command ?? '/ml'],
    ['text', fields.text],
    ['api_app_id', fields.apiAppId ?? 'A0SHIPMATE'],
    ['is_enterprise_install', String(fields.isEnterpriseInstall ?? false)],
    ['response_url', fields.responseUrl],
    ['trigger_id', fields.triggerId ?? freshTriggerId()],
  ]).toString();
}

/** Form-encodes an interactivity payload (button, modal submission) as `payload=<json>`. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Signs and POSTs a slash command to `<ingressUrl>/slack/events`. */
export async function sendSlashCommand(
  ingressUrl: string,
  signingSecret: string,
  fields: SlashCommandFields,
  options: SignedRequestOptions = {},
): Promise<SlackIngressResponse> {
  return postSigned(ingressUrl, signingSecret, slashCommandBody(fields), options);
}

/** Signs and POSTs an interactivity payload to `<ingressUrl>/slack/events`. */
export async function sendInteraction(
  ingressUrl: string,
  signingSecret: string,
  payload: object,
  options: SignedRequestOptions = {},
): Promise<SlackIngressResponse> {
  return postSigned(ingressUrl, signingSecret, interactionBody(payload), options);
}

async function postSigned(
  ingressUrl: string,
  signingSecret: string,
  body: string,
  options: SignedRequestOptions,
): Promise<SlackIngressResponse> {
  const signed = signSlackRequest(signingSecret, body, options.timestamp);
  if (options.signature !== undefined) signed['x-slack-signature'] = options.signature;
  const url = `${ingressUrl.replace(/\/+$/, '')}/slack/events`;
  const started = performance.now();

  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...signed,
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;

  return { status: response.status, headers: response.headers, body: text, json: parse(text), ms };
}

function parse(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function freshTriggerId(): string {
  const digits = (): string => String(Math.floor(Math.random() * 1e12));
  return `${digits()}.${digits()}.${randomBytes(16).toString('hex')}`;
}
