import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Product } from '../support/product.js';
import type { RedisServer } from '../support/redis-server.js';
import type { SlackApiStub } from '../support/slack-api-stub.js';
import { viewSubmissionPayload } from '../support/slack-interactions.js';
import { startSlackProduct } from '../support/slack-product.js';
import { sendInteraction, sendSlashCommand } from '../support/slack-request.js';
import { waitFor } from '../support/wait-for.js';

const signingSecret = 'e2e-modal-secret-0123456789abcdef';
const channelId = 'C0MODAL';
const teamId = 'T0SHIP';

describe('the deploy modal', () => {
  let redis: RedisServer;
  let slack: SlackApiStub;
  let product: Product;

  /** Opens the modal as `/ml deploy` does; resolves to the view as Slack holds it. */
  const openModal = async (triggerId: string) => {
    const ack = await sendSlashCommand(product.ingressUrl, signingSecret, {
      text: 'deploy',
      userId: 'U0ALICE',
      userName: 'alice',
      channelId,
      teamId,
      responseUrl: slack.responseUrl(triggerId),
      triggerId,
    });
    expect(ack.status).toBe(200);
    return waitFor(() => [...slack.views.values()].find((v) => v.triggerId === triggerId), {
      what: 'views.open with the trigger id',
    });
  };
  const submit = (
    opened: Awaited<ReturnType<typeof openModal>>,
    fields: Record<string, string>,
  ) => {
    const values: Record<string, Record<string, unknown>> = {};
    for (const [block, value] of Object.entries(fields)) {
      values[block] = {
        value: ['models', 'auth'].includes(block)
          ? { type: 'static_select', selected_option: { text: {}, value } }
          : { type: 'plain_text_input', value },
      };
    }
    return sendInteraction(
      product.ingressUrl,
      signingSecret,
      viewSubmissionPayload({
        userId: 'U0ALICE',
        userName: 'alice',
        teamId,
        view: opened.view,
        viewId: opened.id,
        values,
      }),
    );
  };

  beforeAll(async () => {
    ({ redis, slack, product } = await startSlackProduct(signingSecret));
  });
  afterAll(async () => {
    await product?.stop();
    await slack?.close();
    await redis?.stop();
  });

  it('opens with the registered models, service name, resources and auth', async () => {
    const opened = await openModal('trigger-open');

    const blocks = opened.view.blocks as Array<{
      block_id: string;
      element: { options?: Array<{ value: string }> };
    }>;
    expect(blocks.map((b) => b.block_id)).toEqual([
      'models',
      'name',
      'cpu',
      'memory',
      'replicas',
      'auth',
    ]);
    const models = blocks[0]?.element.options?.map((o) => o.value);
    expect(models).toContain('diabetes:1');
  });

  it('shows field errors in the modal for bad fields, and queues nothing', async () => {
    const opened = await openModal('trigger-bad');
    const posted = slack.callsTo('chat.postMessage').length;

    const ack = await submit(opened, { models: 'diabetes:1', name: 'Bad_Name', cpu: '-2' });

    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3_000);
    expect(ack.json).toMatchObject({
      response_action: 'errors',
      errors: {
        name: expect.stringMatching(/lowercase/),
        cpu: expect.stringMatching(/number of cores|more than 0/),
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(posted);
  });

  it('queues a valid submission as a deploy, with its status in the channel', async () => {
    const opened = await openModal('trigger-good');

    const ack = await submit(opened, {
      models: 'diabetes:1',
      name: 'from-modal',
      replicas: '1',
      auth: 'none',
    });

    expect(ack.status).toBe(200);
    expect(ack.body).toBe('');
    const message = await waitFor(
      () =>
        [...slack.messages.values()].find((m) =>
          m.text?.includes('deploy diabetes:1 as from-modal — succeeded'),
        ),
      { what: 'the modal deploy to succeed', timeoutMs: 30_000 },
    );
    expect(message.channel).toBe(channelId);
    const scored = await fetch(`${product.gatewayUrl}/api/v1/service/from-modal/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] }),
    });
    expect(scored.status).toBe(200);
  });
});
