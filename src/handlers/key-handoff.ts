import type { JobView } from '../queue/job-view.js';
import type { HandlerDeps } from './handler-deps.js';

/**
 * The private message that hands a regenerated key to the person who asked for it, or
 * undefined when the job is not a succeeded `keys regen`. The key is read from the target
 * here, at the chat edge, so it never travels in job data, a job result or a status message.
 */
export async function keyHandoffText(
  view: Pick<JobView, 'state' | 'data'>,
  deps: HandlerDeps,
): Promise<string | undefined> {
  const data = view.data;
  if (view.state !== 'succeeded' || data.kind !== 'keys.regen') return undefined;

  const record = await deps.services.get(data.service);
  if (record === undefined || record.auth !== 'key') return undefined;
  const keys = await deps.targetFor(record.target).readKeys(data.service);
  if (keys === undefined) return undefined;

  const other = data.key === 'primary' ? 'secondary' : 'primary';
  return (
    `New ${data.key} key for ${data.service} (only you can see this):\n` +
    `${data.key}: \`${keys[data.key]}\`\n` +
    `The old ${data.key} key opens nothing any more; the ${other} key is unchanged.`
  );
}
