import type { Redis } from 'ioredis';

import {
  approvalRequest,
  approvalState,
  type ApprovalRecord,
  type ApprovalRequest,
  type Decider,
} from './approval-request.js';

/** What a vote did; only one caller ever sees `approved` for a request. */
export type VoteOutcome =
  'approved' | 'counted' | 'repeat' | 'self' | 'expired' | 'missing' | `decided:${string}`;

/** What a rejection did. */
export type RejectOutcome = 'rejected' | 'expired' | 'missing' | `decided:${string}`;

// Every transition is one script, so two processes deciding at the same moment see one
// order: exactly one vote turns a request `approved`, and an expired one cannot be approved.
const voteScript = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
if state ~= 'pending' then return 'decided:' .. state end
if tonumber(ARGV[3]) > tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) then
  redis.call('HSET', KEYS[1], 'state', 'cancelled', 'decidedAt', ARGV[3])
  return 'expired'
end
if ARGV[1] == redis.call('HGET', KEYS[1], 'requester') then return 'self' end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 'repeat' end
redis.call('HSET', KEYS[1], 'name:' .. ARGV[1], ARGV[2], 'voted:' .. ARGV[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[4])
if redis.call('SCARD', KEYS[2]) >= tonumber(redis.call('HGET', KEYS[1], 'approvers')) then
  redis.call('HSET', KEYS[1], 'state', 'approved', 'decidedAt', ARGV[3])
  return 'approved'
end
return 'counted'
`;

const rejectScript = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
if state ~= 'pending' then return 'decided:' .. state end
if tonumber(ARGV[4]) > tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) then
  redis.call('HSET', KEYS[1], 'state', 'cancelled', 'decidedAt', ARGV[4])
  return 'expired'
end
redis.call('HSET', KEYS[1], 'state', 'rejected', 'rejectedBy', ARGV[1], 'rejectedName', ARGV[2],
  'reason', ARGV[3], 'decidedAt', ARGV[4])
return 'rejected'
`;

const expireScript = `
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'pending' then return 0 end
if tonumber(ARGV[1]) <= tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) then return 0 end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'decidedAt', ARGV[1])
return 1
`;

/** How long a decided request is kept, like a finished job. */
const keepSeconds = 30 * 24 * 3600;

/**
 * Approval requests in Redis: one hash per request (its fixed part, state and voter names)
 * and a set of voters, keyed by the job id; a sorted set of open requests by expiry time, for
 * the sweeper, and one of recent requests, for `jobs`.
 */
export class ApprovalStore {
  readonly #redis: Redis;
  readonly #openKey = '{shipmate}:approvals:open';
  readonly #recentKey = '{shipmate}:approvals:recent';

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Stores a new request; false when one exists for this job already (a repeated request). */
  async create(request: ApprovalRequest): Promise<boolean> {
    const checked = approvalRequest.parse(request);
    const key = requestKey(checked.jobId);
    const created = await this.#redis.hsetnx(key, 'state', 'pending');
    if (created === 0) return false;

    await this.#redis
      .multi()
      .hset(key, {
        request: JSON.stringify(checked),
        requester: checked.requester ?? checked.data.origin.userId,
        approvers: String(checked.approvers),
        expiresAt: String(checked.expiresAt),
      })
      .expire(key, keepSeconds)
      .zadd(this.#openKey, checked.expiresAt, checked.jobId)
      .zadd(this.#recentKey, checked.createdAt, checked.jobId)
      // Only `jobs` reads this list; a bound keeps it from growing with history.
      .zremrangebyrank(this.#recentKey, 0, -1_001)
      .exec();
    return true;
  }

  async get(jobId: string): Promise<ApprovalRecord | undefined> {
    const fields = await this.#redis.hgetall(requestKey(jobId));
    const parsedState = approvalState.safeParse(fields.state);
    const parsed = approvalRequest.safeParse(safeJson(fields.request));
    if (!parsedState.success || !parsed.success) return undefined;

    const voters = Object.keys(fields)
      .filter((field) => field.startsWith('voted:'))
      .map((field) => field.slice('voted:'.length))
      .sort((a, b) => Number(fields[`voted:${a}`]) - Number(fields[`voted:${b}`]));
    const rejectedBy =
      fields.rejectedBy === undefined
        ? undefined
        : { userId: fields.rejectedBy, userName: fields.rejectedName ?? '' };
    return {
      ...parsed.data,
      state: parsedState.data,
      approvedBy: voters.map((userId) => ({ userId, userName: fields[`name:${userId}`] ?? '' })),
      rejectedBy,
      reason: fields.reason === undefined || fields.reason === '' ? undefined : fields.reason,
      decidedAt: fields.decidedAt === undefined ? undefined : Number(fields.decidedAt),
    };
  }

  /** Counts one approval; see {@link VoteOutcome}. */
  async vote(jobId: string, voter: Decider, now: number = Date.now()): Promise<VoteOutcome> {
    const outcome = (await this.#redis.eval(
      voteScript,
      2,
      requestKey(jobId),
      votersKey(jobId),
      voter.userId,
      voter.userName,
      String(now),
      String(keepSeconds),
    )) as VoteOutcome;
    // An approved request stays open until its job is queued: see ApprovalSweeper.
    if (outcome === 'expired') await this.close(jobId);
    return outcome;
  }

  async reject(
    jobId: string,
    by: Decider,
    reason: string | undefined,
    now: number = Date.now(),
  ): Promise<RejectOutcome> {
    const outcome = (await this.#redis.eval(
      rejectScript,
      1,
      requestKey(jobId),
      by.userId,
      by.userName,
      reason ?? '',
      String(now),
    )) as RejectOutcome;
    if (outcome === 'rejected' || outcome === 'expired') await this.close(jobId);
    return outcome;
  }

  /** Cancels the request if it is pending and past its time; true for the one caller that did. */
  async expire(jobId: string, now: number = Date.now()): Promise<boolean> {
    const done = (await this.#redis.eval(expireScript, 1, requestKey(jobId), String(now))) === 1;
    if (done) await this.close(jobId);
    return done;
  }

  /** Job ids of open requests whose time is up, oldest first. */
  async due(now: number = Date.now(), limit = 100): Promise<string[]> {
    return this.#redis.zrangebyscore(this.#openKey, '-inf', now, 'LIMIT', 0, limit);
  }

  /** Job ids of requests still on the open list (pending, or approved but maybe not queued). */
  async open(limit = 500): Promise<string[]> {
    return this.#redis.zrange(this.#openKey, 0, limit - 1);
  }

  /** Job ids of the latest requests, newest first, whatever their state. */
  async recent(limit: number): Promise<string[]> {
    return this.#redis.zrevrange(this.#recentKey, 0, limit - 1);
  }

  /** Takes a request off the open list once nothing more is to be done for it. */
  async close(jobId: string): Promise<void> {
    await this.#redis.zrem(this.#openKey, jobId);
  }
}

// The queue's hash tag: on Redis Cluster every approval key shares the queue's slot, so the
// scripts and the transaction in `create` may touch several of them.
function requestKey(jobId: string): string {
  return `{shipmate}:approval:${jobId}`;
}

function votersKey(jobId: string): string {
  return `{shipmate}:approval:${jobId}:voters`;
}

function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
