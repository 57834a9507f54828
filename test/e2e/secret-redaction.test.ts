import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { commandSpecs } from '../../src/commands/command-specs.js';
import { startSlackProduct, type SlackProduct } from '../support/slack-product.js';
import { diabetesRows, score } from './e2e-support.js';
import { dumpRedis } from './redis-dump.js';
import { createSlackChat, type SlackChat } from './slack-chat.js';

// Every command of the product, several as jobs behind approvals: well over the default 30 s
// when the machine is busy.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

const signingSecret = 'e2e-redaction-signing-secret-01234567';
const alice = 'U0ALICE';
const bob = 'U0BOB';

/** What a driver may use: the chat, and the ids of the jobs run so far. */
interface Run {
  chat: SlackChat;
  /** Runs a command; resolves to its reply text. */
  ask: (text: string, user?: string) => Promise<string>;
  jobIds: string[];
}

/**
 * One entry per command of the product, by the words that select it. A command spec without
 * an entry fails the first test: whoever adds a command adds it here, and so to the scan.
 */
const drivers: Record<string, (run: Run) => Promise<void>> = {
  help: async ({ ask }) => {
    await ask('help');
    await ask('help keys regen', bob);
  },
  'model list': async ({ ask }) => {
    await ask('model list');
  },
  deploy: async ({ chat, jobIds }) => {
    for (const text of [
      'deploy diabetes:1 --name diabetes',
      'deploy diabetes:1 --name churn --auth token',
    ]) {
      const job = await chat.runJob(text);
      expect(job.status).toContain('— succeeded');
      jobIds.push(job.jobId);
    }
  },
  'service list': async ({ ask }) => {
    await ask('service list', bob);
  },
  'service show': async ({ ask }) => {
    await ask('service show diabetes', bob);
    await ask('service show churn', bob);
  },
  'service logs': async ({ ask }) => {
    await ask('service logs diabetes', bob);
  },
  'keys show': async ({ ask }) => {
    await ask('keys show diabetes');
    await ask('keys show diabetes', bob);
    await ask('keys show churn', bob);
  },
  'keys regen': async ({ chat, ask, jobIds }) => {
    for (const [text, user] of [
      ['keys regen diabetes --key primary', alice],
      ['keys regen diabetes --key secondary', bob],
    ] as const) {
      const job = await chat.runJob(text, user, user === alice ? bob : alice);
      expect(job.status).toContain('— succeeded');
      jobIds.push(job.jobId);
    }
    await ask('keys regen churn --key primary', bob);
    await ask('keys regen diabetes --key tertiary', bob);
  },
  token: async ({ ask }) => {
    await ask('token churn');
    await ask('token churn', bob);
    await ask('token diabetes', bob);
  },
  'service update': async ({ chat, ask, jobIds }) => {
    for (const auth of ['token', 'none', 'key']) {
      const job = await chat.runJob(`service update diabetes --auth ${auth}`, bob, alice);
      expect(job.status).toContain('— succeeded');
      jobIds.push(job.jobId);
      if (auth === 'token') await ask('token diabetes');
    }
    await ask('service update diabetes --auth key,token');
    const update = await chat.runJob('service update diabetes --model diabetes:2', bob);
    expect(update.status).toContain('— succeeded');
    jobIds.push(update.jobId);
  },
  'endpoint version add': async ({ chat, ask, jobIds }) => {
    // A version that takes a share of traffic is a traffic shift too: it waits for approval.
    const job = await chat.runJob(
      'endpoint version add diabetes canary --model diabetes:1 --traffic 10',
      bob,
      alice,
    );
    expect(job.status).toContain('— succeeded');
    jobIds.push(job.jobId);
    await ask('endpoint version add diabetes canary --model diabetes:9', bob);
  },
  'endpoint version update': async ({ chat, jobIds }) => {
    const job = await chat.runJob('endpoint version update diabetes canary --control', alice, bob);
    expect(job.status).toContain('— succeeded');
    jobIds.push(job.jobId);
  },
  traffic: async ({ chat, ask, jobIds }) => {
    const job = await chat.runJob('traffic diabetes canary=30', bob, alice);
    expect(job.status).toContain('— succeeded');
    jobIds.push(job.jobId);
    await ask('traffic diabetes canary=30 diabetes-1=80', bob);
  },
  'endpoint version delete': async ({ chat, jobIds }) => {
    const job = await chat.runJob('endpoint version delete diabetes canary', bob, alice);
    expect(job.status).toContain('— succeeded');
    jobIds.push(job.jobId);
  },
  jobs: async ({ ask }) => {
    await ask('jobs', bob);
    await ask('jobs --mine');
  },
  job: async ({ ask, jobIds }) => {
    for (const id of jobIds) await ask(`job ${id}`, bob);
  },
  'service delete': async ({ chat }) => {
    const job = await chat.runJob('service delete churn', bob, alice);
    expect(job.status).toContain('— succeeded');
  },
  approve: async ({ ask }) => {
    await ask('approve zz99zz99', bob);
  },
  reject: async ({ chat, ask }) => {
    const pending = await ask('keys regen diabetes --key secondary');
    const id = /job ([a-z0-9]+)/.exec(pending)?.[1] ?? '';
    await ask(`approve ${id}`);
    await ask(`reject ${id} --reason "not today"`, bob);
    expect(await chat.reply(await chat.send(`job ${id}`))).toContain('rejected');
  },
  audit: async ({ ask }) => {
    await ask('audit');
    await ask('audit --service diabetes --limit 5', bob);
  },
};

/** Commands whose reply may carry a secret, to the one who sent them. */
const secretReplies = /^(keys show|token) /;

describe('no key or token ever appears where it should not', () => {
  let product: SlackProduct;
  let chat: SlackChat;
  const texts = new Map<string, string>();
  /** Every secret value seen in a secret file under SHIPMATE_HOME/keys, at any step. */
  const fileSecrets = new Set<string>();
  /** The service each of those secrets belongs to. */
  const ownerOf = new Map<string, string>();

  const snapshotKeyFiles = async (): Promise<void> => {
    const dir = path.join(product.product.home, 'keys');
    for (const file of await readdir(dir).catch(() => [])) {
      const raw = await readFile(path.join(dir, file), 'utf8').catch(() => '{}');
      const values = JSON.parse(raw) as Record<string, unknown>;
      for (const [name, value] of Object.entries(values)) {
        if (name === 'regeneratedBy' || typeof value !== 'string') continue;
        fileSecrets.add(value);
        ownerOf.set(value, file.split('.')[0] ?? '');
      }
    }
  };

  beforeAll(async () => {
    // LOG_LEVEL=debug (the product helper's default): the most the product ever logs.
    product = await startSlackProduct(signingSecret);
    chat = createSlackChat({
      ingressUrl: () => product.product.ingressUrl,
      slack: product.slack,
      signingSecret,
      channelId: 'C0E2ESECRET',
    });
  });

  afterAll(async () => {
    await product?.stop();
  });

  it('drives every command of the product', () => {
    const specs = commandSpecs.map((spec) => spec.words.join(' ')).sort();

    expect(Object.keys(drivers).sort()).toEqual(specs);
  });

  it('sends keys and tokens only ephemerally to who asked, and writes them nowhere else', async () => {
    const jobIds: string[] = [];
    const run: Run = {
      chat,
      jobIds,
      ask: async (text, user) => {
        const id = await chat.send(text, user);
        texts.set(id, text);
        return chat.reply(id);
      },
    };
    // In the table's order: a service is deployed before its keys are asked for.
    for (const drive of Object.values(drivers)) {
      await drive(run);
      await snapshotKeyFiles();
    }
    // Use each secret at the gateway too, so its debug logging is part of what is scanned.
    for (const secret of fileSecrets) {
      for (const service of ['diabetes', 'churn']) {
        await score(product.product, service, { data: diabetesRows }, { key: secret });
      }
    }

    const { slack } = product;
    const allowed: Array<{ service: string; text: string }> = [];
    const forbidden: Array<{ where: string; text: string }> = [];

    for (const post of slack.responses) {
      const body = post.body as { text?: string; response_type?: string };
      const command = texts.get(post.id) ?? '';
      const mayHoldSecret = secretReplies.test(command) && body.response_type === 'ephemeral';
      if (mayHoldSecret)
        allowed.push({ service: command.split(' ').pop() ?? '', text: body.text ?? '' });
      else forbidden.push({ where: `reply to \`${command}\``, text: JSON.stringify(body) });
    }
    for (const [id, text] of chat.acks) {
      forbidden.push({ where: `acknowledgement of \`${texts.get(id) ?? id}\``, text });
    }
    const regens = [
      { text: 'New primary key for diabetes', user: alice, service: 'diabetes' },
      { text: 'New secondary key for diabetes', user: bob, service: 'diabetes' },
    ];
    for (const call of slack.calls) {
      const text = typeof call.args.text === 'string' ? call.args.text : '';
      const handoff = regens.find((r) => text.startsWith(r.text));
      if (call.method === 'chat.postEphemeral' && handoff !== undefined) {
        // A new key goes to the one who regenerated it, to nobody else.
        expect(call.args.user).toBe(handoff.user);
        allowed.push({ service: handoff.service, text });
      } else {
        forbidden.push({ where: `Slack ${call.method}`, text: JSON.stringify(call.args) });
      }
    }
    for (const message of slack.messages.values()) {
      for (const version of [message, ...message.history]) {
        forbidden.push({ where: `channel message ${message.ts}`, text: version.text ?? '' });
      }
    }
    forbidden.push({ where: 'product log (debug)', text: product.product.output() });
    for (const [key, value] of await dumpRedis(product.redis.url)) {
      forbidden.push({ where: `Redis ${key}`, text: value });
    }
    for (const file of await filesUnder(product.product.home)) {
      if (file.includes(`${path.sep}keys${path.sep}`)) continue;
      forbidden.push({ where: file, text: await readFile(file, 'utf8').catch(() => '') });
    }

    // Every secret handed out in chat, and every one kept in a key file.
    const handedOut = allowed.flatMap(({ text }) =>
      [...text.matchAll(/`([A-Za-z0-9_.-]{32,})`/g)].map((m) => m[1] ?? ''),
    );
    const secrets = new Set([...handedOut, ...fileSecrets]);
    // The scan is only as good as what it looks for: three tokens, keys, both regenerations.
    expect(new Set(handedOut.filter((s) => s.startsWith('eyJ'))).size).toBe(3);
    expect(fileSecrets.size).toBeGreaterThanOrEqual(6);
    for (const secret of fileSecrets) {
      if (!secret.includes('.')) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }

    // A reply to the one who asked holds that service's secrets, no other service's.
    const strays = allowed.flatMap(({ service, text }) =>
      [...fileSecrets]
        .filter((secret) => text.includes(secret) && ownerOf.get(secret) !== service)
        .map((secret) => `${service} reply: a secret of ${ownerOf.get(secret) ?? '?'}`),
    );
    expect(strays).toEqual([]);
    const leaks = forbidden.flatMap(({ where, text }) =>
      [...secrets].filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 6)}…`),
    );
    expect(leaks).toEqual([]);
  });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
