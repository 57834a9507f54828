import { NotFoundError } from '../platform/errors.js';
import { viewJob, type JobView } from '../queue/job-view.js';
import { describeJob, jobStatusText } from '../notify/job-status-text.js';
import type { ChatRequest, Reply } from './chat-request.js';
import type { HandlerDeps } from './handler-deps.js';

/** `jobs [--mine]`: the latest jobs, newest first. */
export async function handleJobs(
  mine: boolean,
  request: ChatRequest,
  deps: HandlerDeps,
): Promise<Reply> {
  const jobs = await deps.queue.getJobs(
    ['active', 'waiting', 'delayed', 'prioritized', 'completed', 'failed'],
    0,
    200,
  );
  const queued = (await Promise.all(jobs.map((job) => viewJob(job)))).filter(
    (v): v is JobView => v !== undefined,
  );
  // Jobs waiting for approval, rejected or expired never reached the queue.
  const ids = new Set(queued.map((v) => v.id));
  const unqueued = (await deps.recentApprovals()).filter((v) => !ids.has(v.id));
  const views = [...queued, ...unqueued]
    .filter((v) => !mine || v.data.origin.userId === request.userId)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, 15);
  if (views.length === 0)
    return { kind: 'ephemeral', text: mine ? 'You have no jobs.' : 'No jobs yet.' };

  const lines = views.map((v) => {
    const when = new Date(v.createdAt).toISOString().replace('T', ' ').slice(0, 16);
    const who = v.data.origin.userName || v.data.origin.userId;
    return `• \`${v.id}\` ${describeJob(v)} — ${v.state} · ${when} UTC · ${who}`;
  });
  return { kind: 'ephemeral', text: ['Latest jobs:', ...lines].join('\n') };
}

/** `job <id>`: one job as its status message shows it. */
export async function handleJob(id: string, deps: HandlerDeps): Promise<Reply> {
  const view = await deps.jobView(id);
  if (view === undefined) {
    throw new NotFoundError({
      code: 'job_not_found',
      userMessage: `There is no job ${id} (finished jobs are kept for 7 days). See \`jobs\`.`,
    });
  }
  return { kind: 'ephemeral', text: jobStatusText(view) };
}
