import type { Queue, QueueEvents, QueueEventsListener } from 'bullmq';
import type { Redis } from 'ioredis';

import { isShipmateError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { viewJobById, type JobView } from '../queue/job-view.js';
import { ChannelPacer } from './channel-pacer.js';
import { isFinal } from './job-status-text.js';
import type { StatusSink } from './status-sink.js';

/** Options for {@link JobNotifier}. */
export interface JobNotifierOptions {
  queue: Queue;
  events: QueueEvents;
  redis: Redis;
  sinks: StatusSink[];
  logger: Logger;
  /** Minimum gap between two writes to one channel, unless the sink names its own. */
  paceMs: number;
  /** Only these jobs (the console follows its own job); all jobs when undefined. */
  only?: (jobId: string) => boolean;
  /** Called after a job's final state was shown. */
  onFinal?: (view: JobView) => void;
  /** Reads a job as its message shows it; default: from the queue alone. */
  view?: (jobId: string) => Promise<JobView | undefined>;
  /**
   * How often to look again at every message not yet final, and once at start: events missed
   * while no serve process ran, or a final write the platform refused, are caught up then.
   * Off when undefined.
   */
  reconcileMs?: number;
}

/** The custom queue event announcing that a job's approval request changed. */
export const approvalEvent = 'approval';

type ApprovalListener = QueueEventsListener & {
  [approvalEvent]: (args: { jobId: string }) => void;
};

const refTtlSeconds = 30 * 24 * 3600;
/** Status messages (`<job>|<platform>:<channel>`) not final yet, by when first written. */
const openKey = 'shipmate:status:open';

/**
 * Keeps one status message per job up to date. It is driven by state, not by events: any
 * event for a job schedules a render of the job as it is now, so events that arrive late,
 * twice or out of order still leave the message right.
 */
export class JobNotifier {
  readonly #options: JobNotifierOptions;
  readonly #pacers = new Map<string, ChannelPacer>();
  readonly #sinks: Map<string, StatusSink>;
  readonly #finished = new Set<string>();
  /** What each message last showed, so a look-again writes only when something changed. */
  readonly #shown = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: JobNotifierOptions) {
    this.#options = options;
    this.#sinks = new Map(options.sinks.map((sink) => [sink.platform, sink]));
  }

  start(): void {
    const onEvent = ({ jobId }: { jobId: string }): void => void this.refresh(jobId);
    for (const event of [
      'added',
      'waiting',
      'active',
      'progress',
      'completed',
      'failed',
    ] as const) {
      this.#options.events.on(event, onEvent);
    }
    // A job waiting for approval is not in the queue yet: its changes come as a custom event.
    this.#options.events.on<ApprovalListener>(approvalEvent, onEvent);

    const every = this.#options.reconcileMs;
    if (every === undefined) return;
    const lookAgain = (): void => {
      this.reconcile().catch((error: unknown) => {
        this.#options.logger.warn({ err: error }, 'could not look again at open status messages');
      });
    };
    lookAgain();
    this.#timer = setInterval(lookAgain, every);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Looks again at every status message not yet final; writes those whose job changed. */
  async reconcile(): Promise<void> {
    const redis = this.#options.redis;
    await redis.zremrangebyscore(openKey, '-inf', Date.now() - refTtlSeconds * 1000);
    const members = await redis.zrange(openKey, -1_000, -1);
    const unplaced = members.filter((member) => !member.includes('|'));
    if (unplaced.length > 0) await redis.zrem(openKey, ...unplaced);
    const open = new Set(members.filter((member) => member.includes('|')));
    const jobIds = new Set([...open].map((member) => member.split('|')[0] ?? ''));
    for (const jobId of jobIds) {
      const view = await this.#view(jobId).catch(() => undefined);
      const places = view === undefined ? [] : placesOf(view);
      const stale = [...open].filter(
        (member) =>
          member.startsWith(`${jobId}|`) &&
          !places.some((place) => finishedKey(jobId, place) === member),
      );
      if (stale.length > 0) await redis.zrem(openKey, ...stale);
      const waiting = places.filter((place) => open.has(finishedKey(jobId, place)));
      await Promise.all(waiting.map((place) => this.#refreshPlace(jobId, place, true)));
    }
  }

  /** Renders the job's current state into each of its status messages (post or update). */
  async refresh(jobId: string): Promise<void> {
    if (this.#options.only && !this.#options.only(jobId)) return;

    const view = await this.#view(jobId).catch(() => undefined);
    if (view === undefined) return;
    await Promise.all(placesOf(view).map((place) => this.#refreshPlace(jobId, place, false)));
  }

  async #refreshPlace(jobId: string, place: Place, onlyIfChanged: boolean): Promise<void> {
    if (this.#finished.has(finishedKey(jobId, place))) return;
    const sink = this.#sinks.get(place.platform);
    if (sink === undefined) return;

    const pacer = this.#pacerOf(sink);
    await pacer
      .run(`${place.platform}:${place.channelId}`, jobId, () =>
        this.#render(jobId, sink, place, onlyIfChanged),
      )
      .catch((error: unknown) => {
        this.#options.logger.warn(
          { err: error, jobId, platform: place.platform },
          'could not update a job status message',
        );
      });
  }

  /** Resolves once every scheduled status write is done. */
  idle(): Promise<void> {
    return Promise.all([...this.#pacers.values()].map((pacer) => pacer.idle())).then(
      () => undefined,
    );
  }

  #view(jobId: string): Promise<JobView | undefined> {
    return this.#options.view?.(jobId) ?? viewJobById(this.#options.queue, jobId);
  }

  async #markOpen(place: string): Promise<void> {
    if (this.#options.reconcileMs === undefined) return;
    await this.#options.redis.zadd(openKey, 'NX', Date.now(), place);
  }

  #pacerOf(sink: StatusSink): ChannelPacer {
    let pacer = this.#pacers.get(sink.platform);
    if (pacer === undefined) {
      pacer = new ChannelPacer(sink.paceMs ?? this.#options.paceMs);
      this.#pacers.set(sink.platform, pacer);
    }
    return pacer;
  }

  async #render(
    jobId: string,
    sink: StatusSink,
    place: Place,
    onlyIfChanged: boolean,
  ): Promise<void> {
    const done = finishedKey(jobId, place);
    if (this.#finished.has(done)) return;
    const view = await this.#view(jobId);
    if (view === undefined) return;
    const shown = shownOf(view);
    if (onlyIfChanged && this.#shown.get(done) === shown) return;

    // The message where the job was asked keeps the key it always had.
    const refKey = place.origin
      ? `shipmate:status:${jobId}`
      : `shipmate:status:${jobId}:${place.platform}:${place.channelId}`;
    const existing = await this.#options.redis.get(refKey);
    if (existing === null) {
      // Claim the right to post, so two processes never post two messages for one job.
      const claimed = await this.#options.redis.set(refKey, 'pending', 'EX', 60, 'NX');
      if (claimed !== 'OK') return;
      await this.#markOpen(done);
      const messageId = await sink.post(place.channelId, view).catch(async (error: unknown) => {
        // A channel the platform does not know stays unknown for this job: say so once.
        if (isShipmateError(error) && error.kind === 'not_found') {
          this.#finished.add(done);
          await this.#options.redis.zrem(openKey, done);
        }
        // Otherwise let the next event try again rather than wait out the claim.
        await this.#options.redis.del(refKey);
        throw error;
      });
      await this.#options.redis.set(refKey, messageId, 'EX', refTtlSeconds);
    } else if (existing !== 'pending') {
      await sink.update(place.channelId, existing, view);
    } else {
      return;
    }
    this.#shown.set(done, shown);
    if (this.#shown.size > 10_000) this.#shown.delete(this.#shown.keys().next().value ?? '');

    // Each message stays on the look-again list until it has shown its job's final state.
    if (isFinal(view)) await this.#options.redis.zrem(openKey, done);
    else await this.#markOpen(done);
    if (isFinal(view)) {
      // Remember finished jobs so late events cost nothing; forget the oldest past a bound.
      this.#finished.add(done);
      if (this.#finished.size > 10_000) {
        this.#finished.delete(this.#finished.values().next().value ?? '');
      }
      if (place.origin) this.#options.onFinal?.(view);
    }
  }
}

/** One status message of a job: where it was asked, or a channel the policy also posts to. */
interface Place {
  platform: string;
  channelId: string;
  origin: boolean;
}

function placesOf(view: JobView): Place[] {
  const origin = view.data.origin;
  const places: Place[] = [
    { platform: origin.platform, channelId: origin.channelId, origin: true },
  ];
  for (const where of view.approval?.alsoIn ?? []) {
    const split = where.indexOf(':');
    const place = { platform: where.slice(0, split), channelId: where.slice(split + 1) };
    // A Teams thread (`19:…;messageid=…`) is in its channel already: one card is enough.
    const known = places.some(
      (p) =>
        p.platform === place.platform &&
        (p.channelId === place.channelId || p.channelId.split(';')[0] === place.channelId),
    );
    if (!known) places.push({ ...place, origin: false });
  }
  return places;
}

/** What a message shows, but for the elapsed time, which alone is no reason to write. */
function shownOf(view: JobView): string {
  const { state, steps, failure, summary, attempt, approval } = view;
  return JSON.stringify({ state, steps, failure, summary, attempt, approval });
}

function finishedKey(jobId: string, place: Place): string {
  return `${jobId}|${place.platform}:${place.channelId}`;
}
