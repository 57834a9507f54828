import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { rolloutsWithoutApproval, writePolicyFile } from '../support/policy-file.js';
import type { Product } from '../support/product.js';
import type { RedisServer } from '../support/redis-server.js';
import type { SlackApiStub } from '../support/slack-api-stub.js';
import { startSlackProduct } from '../support/slack-product.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { waitFor } from '../support/wait-for.js';
import { diabetesRows, keysOf, score } from './e2e-support.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const signingSecret = 'e2e-rollout-secret-0123456789abcdef';
const channelId = 'C0ROLLOUT';
const body = { data: diabetesRows };

describe('rolling a second version out from Slack', () => {
  let redis: RedisServer;
  let slack: SlackApiStub;
  let product: Product;
  let key = '';
  let requests = 0;

  /** Sends a signed `/ml` command as alice; resolves to the ephemeral reply's text. */
  const ask = async (text: string): Promise<string> => {
    requests += 1;
    const id = `rollout-${requests}`;
    const ack = await sendSlashCommand(product.ingressUrl, signingSecret, {
      text,
      userId: 'U0ALICE',
      userName: 'alice',
      channelId,
      teamId: 'T0SHIP',
      responseUrl: slack.responseUrl(id),
      triggerId: `trigger-rollout-${requests}`,
    });
    expect(ack.status).toBe(200);
    const early = (ack.json as { text?: string } | undefined)?.text;
    if (early) return early;
    const reply = await waitFor(() => slack.responses.find((r) => r.id === id), {
      what: `the reply to \`${text}\``,
    });
    return (reply.body as { text: string }).text;
  };

  /** Runs a command that starts a job; resolves to the final text of its status message. */
  const run = async (text: string): Promise<string> => {
    const reply = await ask(text);
    const jobId = /job ([a-z0-9]+)/.exec(reply)?.[1];
    if (jobId === undefined) throw new Error(`\`${text}\` queued no job: ${reply}`);
    const message = await waitFor(
      () =>
        [...slack.messages.values()].find(
          (m) => m.text?.startsWith(`job ${jobId} `) && /— (succeeded|failed)/.test(m.text),
        ),
      { what: `job ${jobId} (${text}) to end`, timeoutMs: 40_000 },
    );
    return message.text ?? '';
  };

  /** Which version served each of `count` requests, as percentages. */
  const observedSplit = async (count: number): Promise<Record<string, number>> => {
    const served: Record<string, number> = {};
    const batch = async () => {
      for (let i = 0; i < count / 8; i += 1) {
        const answer = await score(product, 'diabetes', body, { key });
        expect(answer.status).toBe(200);
        served[answer.version ?? ''] = (served[answer.version ?? ''] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: 8 }, batch));
    return Object.fromEntries(Object.entries(served).map(([v, n]) => [v, (n / count) * 100]));
  };

  /** Scores with `azureml-model-deployment: <version>`, as a caller pinning a version. */
  const pinnedTo = (version: string) =>
    fetch(`${product.gatewayUrl}/api/v1/service/diabetes/score`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'azureml-model-deployment': version,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    // Approving is tested elsewhere; here the rollout itself is.
    const policy = await writePolicyFile(rolloutsWithoutApproval);
    ({ redis, slack, product } = await startSlackProduct(signingSecret, {
      SHIPMATE_POLICY: policy,
    }));
    expect(await run('deploy diabetes:1 --name diabetes')).toContain('succeeded');
    key = keysOf(await ask('keys show diabetes')).primary;
  });

  afterAll(async () => {
    await product?.stop();
    await slack?.close();
    await redis?.stop();
  });

  it('adds a second version at 10 % and shows both with their effective shares', async () => {
    const status = await run(
      'endpoint version add diabetes diabetes-2 --model diabetes:2 --traffic 10 --control',
    );
    expect(status).toContain('add version diabetes-2 (diabetes:2) to diabetes — succeeded');
    expect(status).toContain('`diabetes-1` diabetes:1 — serves 90 % (assigned none) · default');
    expect(status).toContain('`diabetes-2` diabetes:2 — serves 10 % (assigned 10 %) · control');

    const show = await ask('service show diabetes');
    expect(show).toMatch(/`diabetes-1` \(default\) — diabetes:1 · ready 1\/1 · serves 90 %/);
    expect(show).toMatch(
      /`diabetes-2` \(control\) — diabetes:2 · ready 1\/1 · serves 10 % \(assigned 10 %\)/,
    );
  });

  it('refuses a shift past 100 % with the rule and the table, and queues nothing', async () => {
    const before = slack.callsTo('chat.postMessage').length;
    const reply = await ask('traffic diabetes diabetes-1=60 diabetes-2=60');

    expect(reply).toContain('Traffic percentiles must sum to at most 100 %');
    expect(reply).toContain('this change makes them 120 %');
    expect(reply).toContain('Current table of diabetes:');
    expect(reply).toContain('`diabetes-2` diabetes:2 — serves 10 % (assigned 10 %)');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(before);
  });

  it('shifts to 50/50 and the gateway splits traffic that way', async () => {
    const status = await run('traffic diabetes diabetes-1=50 diabetes-2=50');
    expect(status).toContain('shift traffic of diabetes: diabetes-1 50 %, diabetes-2 50 % —');
    expect(status).toContain('succeeded');

    const split = await observedSplit(2_000);
    // 2,000 draws at p = 0.5: one standard deviation is 1.1 points; 5 points is far outside.
    expect(Math.abs((split['diabetes-1'] ?? 0) - 50)).toBeLessThan(5);
    expect(Math.abs((split['diabetes-2'] ?? 0) - 50)).toBeLessThan(5);
  });

  it('queues nothing for a shift that changes nothing, and says so', async () => {
    const before = slack.callsTo('chat.postMessage').length;
    const reply = await ask('traffic diabetes diabetes-1=50 diabetes-2=50');

    expect(reply).toContain('Nothing to change: diabetes already serves:');
    expect(reply).toContain('`diabetes-2` diabetes:2 — serves 50 % (assigned 50 %)');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(before);
  });

  it('pins a request to a version with azureml-model-deployment', async () => {
    const toTwo = await pinnedTo('diabetes-2');
    expect(toTwo.status).toBe(200);
    expect(toTwo.headers.get('azureml-model-deployment')).toBe('diabetes-2');
    const two = (await toTwo.json()) as number[];

    const other = await pinnedTo('diabetes-1');
    expect(other.headers.get('azureml-model-deployment')).toBe('diabetes-1');
    // The two versions are different models: their answers differ.
    expect((await other.json()) as number[]).not.toEqual(two);

    const unknown = await pinnedTo('diabetes-9');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: {
        code: 'VersionNotFound',
        message: 'Service diabetes has no version diabetes-9; known: diabetes-1, diabetes-2.',
      },
    });
  });

  it('runs two shifts typed back to back in the order they were typed', async () => {
    // Run in the other order, the two would leave diabetes-2 at 30 %, not 40 %.
    const first = await ask('traffic diabetes diabetes-1=20 diabetes-2=30');
    const second = await ask('traffic diabetes diabetes-2=40');
    const ids = [first, second].map((text) => /job ([a-z0-9]+)/.exec(text)?.[1]);
    expect(ids).toEqual([expect.any(String), expect.any(String)]);

    const ended = (id: string | undefined) =>
      [...slack.messages.values()].find(
        (m) => m.text?.startsWith(`job ${id} `) && /— (succeeded|failed)/.test(m.text),
      );
    await waitFor(() => ids.every(ended), {
      what: `both shifts (${ids.join(', ')}) to end`,
      timeoutMs: 40_000,
    }).catch((error: unknown) => {
      const texts = [...slack.messages.values()].map((m) => m.text).join('\n---\n');
      throw new Error(`${String(error)}\nstatus messages:\n${texts}`);
    });
    expect(ids.map((id) => ended(id)?.text)).toEqual([
      expect.stringContaining('— succeeded'),
      expect.stringContaining('— succeeded'),
    ]);
    const show = await ask('service show diabetes');
    expect(show).toMatch(/`diabetes-1` \(default\) — .* serves 60 % \(assigned 20 %\)/);
    expect(show).toMatch(/`diabetes-2` \(control\) — .* serves 40 % \(assigned 40 %\)/);
  });

  it('refuses to delete the default version, then deletes the other one', async () => {
    const refused = await ask('endpoint version delete diabetes diabetes-1');
    expect(refused).toContain('diabetes-1 is the default version');

    const status = await run('endpoint version delete diabetes diabetes-2');
    expect(status).toContain('delete version diabetes-2 of diabetes — succeeded');

    const split = await observedSplit(200);
    expect(split).toEqual({ 'diabetes-1': 100 });
    expect((await pinnedTo('diabetes-2')).status).toBe(404);
  });

  it('deletes the endpoint with its last version', async () => {
    const status = await run('endpoint version delete diabetes diabetes-1');
    expect(status).toContain('succeeded');
    expect(await ask('service list')).toContain('No services yet');
    expect((await score(product, 'diabetes', body, { key })).status).toBe(404);
  });
});
