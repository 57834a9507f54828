/** One version of a message, as posted or updated. */
export interface SlackMessageVersion {
  text: string | undefined;
  blocks: unknown;
}

/** A message the stub holds, with its current text and blocks and every version of them. */
export interface SlackStubMessage extends SlackMessageVersion {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  history: SlackMessageVersion[];
}

/** A view opened through `views.open`, as last set. */
export interface SlackStubView {
  id: string;
  triggerId: string | undefined;
  view: Record<string, unknown>;
  history: Array<Record<string, unknown>>;
}

/** A Slack Web API answer body. */
export type SlackResult = Record<string, unknown> & { ok: boolean };

/** Options for {@link createSlackMethods}. */
export interface SlackMethodsOptions {
  teamId: string;
  botUserId: string;
  botId: string;
  baseUrl: () => string;
}

/** The Web API methods the stub answers, with the state they keep. */
export interface SlackMethods {
  handlers: Map<string, (args: Record<string, unknown>) => SlackResult>;
  messages: Map<string, SlackStubMessage>;
  views: Map<string, SlackStubView>;
}

/**
 * Builds the handlers behind the Slack stub. Each takes the call's arguments (token already
 * checked) and returns the answer body, `{ ok: false, error }` when Slack would refuse the call.
 */
export function createSlackMethods(options: SlackMethodsOptions): SlackMethods {
  const messages = new Map<string, SlackStubMessage>();
  const views = new Map<string, SlackStubView>();
  let sequence = 0;
  const nextTs = (): string => {
    sequence += 1;
    const micros = sequence * 100;
    const seconds = 1_700_000_000 + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };
  const nextViewId = (): string => `V${String(views.size + 1).padStart(8, '0')}`;
  const fail = (error: string): SlackResult => ({ ok: false, error });
  const asMessage = (message: SlackStubMessage): Record<string, unknown> => ({
    type: 'message',
    user: options.botUserId,
    bot_id: options.botId,
    team: options.teamId,
    text: message.text ?? '',
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
    ts: message.ts,
  });

  const handlers = new Map<string, (args: Record<string, unknown>) => SlackResult>();

  handlers.set('auth.test', () => ({
    ok: true,
    url: `${options.baseUrl()}/`,
    team: 'Shipmate Test',
    user: 'shipmate',
    team_id: options.teamId,
    user_id: options.botUserId,
    bot_id: options.botId,
    is_enterprise_install: false,
  }));

  handlers.set('chat.postMessage', (args) => {
    const channel = text(args.channel);
    if (channel === undefined || channel === '') return fail('channel_not_found');
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
      return fail('no_text');
    }

    const ts = nextTs();
    const version = { text: text(args.text), blocks: args.blocks };
    const threadTs = text(args.thread_ts);
    const message = { channel, ts, threadTs, ...version, history: [version] };
    messages.set(`${channel}:${ts}`, message);
    return { ok: true, channel, ts, message: asMessage(message) };
  });

  handlers.set('chat.update', (args) => {
    const channel = text(args.channel) ?? '';
    const ts = text(args.ts) ?? '';
    const message = messages.get(`${channel}:${ts}`);
    if (message === undefined) return fail('message_not_found');

    // Fields left out keep their previous value, as on Slack.
    if (args.text !== undefined) message.text = text(args.text);
    if (args.blocks !== undefined) message.blocks = args.blocks;
    message.history.push({ text: message.text, blocks: message.blocks });
    return { ok: true, channel, ts, text: message.text ?? '', message: asMessage(message) };
  });

  handlers.set('chat.postEphemeral', (args) => {
    if (!text(args.channel)) return fail('channel_not_found');
    if (!text(args.user)) return fail('user_not_found');
    return { ok: true, message_ts: nextTs() };
  });

  handlers.set('views.open', (args) => {
    const view = object(args.view);
    if (view === undefined || !text(args.trigger_id)) {
      return fail('invalid_arguments');
    }

    const stored = { id: nextViewId(), triggerId: text(args.trigger_id), view, history: [view] };
    views.set(stored.id, stored);
    return { ok: true, view: { id: stored.id, team_id: options.teamId, ...view } };
  });

  handlers.set('views.update', (args) => {
    const view = object(args.view);
    if (view === undefined) return fail('invalid_arguments');
    const stored = views.get(text(args.view_id) ?? '');
    if (stored === undefined) return fail('not_found');

    stored.view = view;
    stored.history.push(view);
    return { ok: true, view: { id: stored.id, team_id: options.teamId, ...view } };
  });

  return { handlers, messages, views };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function object(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}
