import { randomBytes } from 'node:crypto';

/** The fields of a button press; see {@link blockActionsPayload}. */
export interface ButtonPressFields {
  userId: string;
  userName: string;
  channelId: string;
  teamId: string;
  /** The ts of the message that holds the button. */
  messageTs: string;
  actionId: string;
  value: string;
  blockId?: string;
  responseUrl: string;
}

/** A `block_actions` payload for a button press, in the shape Slack documents. */
export function blockActionsPayload(fields: ButtonPressFields): object {
  return {
    type: 'block_actions',
    user: {
      id: fields.userId,
      username: fields.userName,
      name: fields.userName,
      team_id: fields.teamId,
    },
    api_app_id: 'A0SHIPMATE',
    token: 'verification-token-unused',
    container: {
      type: 'message',
      message_ts: fields.messageTs,
      channel_id: fields.channelId,
      is_ephemeral: false,
    },
    trigger_id: triggerId(),
    team: { id: fields.teamId, domain: 'shipmate-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: fields.channelId, name: 'deployments' },
    message: { type: 'message', ts: fields.messageTs, text: '' },
    state: { values: {} },
    response_url: fields.responseUrl,
    actions: [
      {
        action_id: fields.actionId,
        block_id: fields.blockId ?? 'approval',
        text: { type: 'plain_text', text: fields.actionId, emoji: true },
        value: fields.value,
        type: 'button',
        action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      },
    ],
  };
}

/** The fields of a modal submission; see {@link viewSubmissionPayload}. */
export interface ViewSubmissionFields {
  userId: string;
  userName: string;
  teamId: string;
  /** The view as opened (`views.open`'s `view` argument). */
  view: Record<string, unknown>;
  viewId: string;
  /** `state.values`: block id → action id → the element's value. */
  values: Record<string, Record<string, unknown>>;
}

/** A `view_submission` payload, in the shape Slack documents. */
export function viewSubmissionPayload(fields: ViewSubmissionFields): object {
  return {
    type: 'view_submission',
    team: { id: fields.teamId, domain: 'shipmate-test' },
    user: {
      id: fields.userId,
      username: fields.userName,
      name: fields.userName,
      team_id: fields.teamId,
    },
    api_app_id: 'A0SHIPMATE',
    token: 'verification-token-unused',
    trigger_id: triggerId(),
    view: {
      id: fields.viewId,
      team_id: fields.teamId,
      app_id: 'A0SHIPMATE',
      bot_id: 'B0SHIPBOT',
      root_view_id: fields.viewId,
      previous_view_id: null,
      hash: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      ...fields.view,
      state: { values: fields.values },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString('hex')}`;
}
