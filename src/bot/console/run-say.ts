import os from 'node:os';

import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

import { parseCommand } from '../../commands/parse-command.js';
import type { ChatRequest } from '../../handlers/chat-request.js';
import { handleCommand } from '../../handlers/handle-command.js';
import { keyHandoffText } from '../../handlers/key-handoff.js';
import type { HandlerDeps } from '../../handlers/handler-deps.js';
import { JobNotifier } from '../../notify/job-notifier.js';
import type { Logger } from '../../platform/logger.js';
import { newRequestId } from '../../queue/job-id.js';
import type { JobView } from '../../queue/job-view.js';
import { isFinal, jobStatusText } from '../../notify/job-status-text.js';
import type { StatusSink } from '../../notify/status-sink.js';
import { errorReply } from '../error-reply.js';
import { createConsoleStatusSink } from './console-status-sink.js';

/** Options for {@link runSay}. */
export interface RunSayOptions {
  deps: HandlerDeps;
  redis: Redis;
  events: QueueEvents;
  logger: Logger;
  out: (text: string) => void;
  err: (text: string) => void;
  /** How long to wait for a worker before saying none seems to run. */
  workerHintMs?: number;
}

/**
 * `shipmate say "<command>"`: one command as the local console user, through the same grammar,
 * handlers, queue and notifications as chat. Resolves to the exit code: 0 when the command or
 * its job succeeded, 1 otherwise.
 */
export async function runSay(text: string, options: RunSayOptions): Promise<number> {
  const { deps, out, err } = options;
  const user = os.userInfo().username;
  const request: ChatRequest = {
    platform: 'console',
    userId: `console:${user}`,
    userName: user,
    channelId: 'console',
    requestId: newRequestId(),
    text,
  };

  let reply;
  try {
    reply = await handleCommand(parseCommand(text), request, deps);
  } catch (error) {
    err(errorReply(error, options.logger));
    return 1;
  }
  if (reply.kind !== 'job') {
    out(reply.text);
    return 0;
  }

  const view = await options.deps.jobView(reply.jobId).catch(() => undefined);
  if (view !== undefined && view.data.origin.platform !== 'console') {
    // Approved here, asked elsewhere: its status message lives in that chat, not here.
    out(reply.text);
    const final = await pollUntilFinal(reply.jobId, options);
    out(jobStatusText(final));
    return final.state === 'succeeded' ? 0 : 1;
  }

  const final = await follow(reply.jobId, options);
  if (final.state === 'awaiting approval') {
    out(
      `Waiting for approval: someone else may \`approve ${final.id}\` or ` +
        `\`reject ${final.id}\`; see it with \`job ${final.id}\`.`,
    );
    return 0;
  }
  // The terminal belongs to the person who asked: a regenerated key is shown right here.
  const handoff = await keyHandoffText(final, deps).catch(() => undefined);
  if (handoff !== undefined) out(handoff);
  return final.state === 'succeeded' ? 0 : 1;
}

async function pollUntilFinal(jobId: string, options: RunSayOptions): Promise<JobView> {
  for (;;) {
    const view = await options.deps.jobView(jobId).catch(() => undefined);
    if (view !== undefined && isFinal(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function follow(jobId: string, options: RunSayOptions): Promise<JobView> {
  return new Promise<JobView>((resolve) => {
    const done = (view: JobView): void => {
      clearInterval(poll);
      clearTimeout(hint);
      resolve(view);
    };
    const notifier = new JobNotifier({
      queue: options.deps.queue,
      events: options.events,
      redis: options.redis,
      sinks: [stopAtApproval(createConsoleStatusSink(options.out), done)],
      view: options.deps.jobView,
      logger: options.logger,
      paceMs: 0,
      only: (id) => id === jobId,
      onFinal: (view) => done(view),
    });
    notifier.start();

    // Events may have fired before we listened; a slow poll covers that and any lost event.
    void notifier.refresh(jobId);
    const poll = setInterval(() => void notifier.refresh(jobId), 1_000);
    const hint = setTimeout(() => {
      options.deps.queue
        .getWorkersCount()
        .then((count) => {
          if (count === 0) {
            options.err('No worker is running: start `npm start` (or `shipmate worker`).');
          }
        })
        .catch(() => undefined);
    }, options.workerHintMs ?? 3_000);
  });
}

/** A job that waits for approval may wait for hours: show it, then stop following. */
function stopAtApproval(sink: StatusSink, done: (view: JobView) => void): StatusSink {
  const check = (view: JobView): void => {
    if (view.state === 'awaiting approval') done(view);
  };
  return {
    platform: sink.platform,
    async post(channelId, view) {
      const id = await sink.post(channelId, view);
      check(view);
      return id;
    },
    async update(channelId, messageId, view) {
      await sink.update(channelId, messageId, view);
      check(view);
    },
  };
}
