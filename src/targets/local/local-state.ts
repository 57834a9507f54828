import { createHash } from 'node:crypto';

import { z } from 'zod';

import { authMode, versionSpec } from '../../registry/service-record.js';
import type { Deployment } from '../target.js';

/**
 * The local target keeps its desired and observed state in Redis, the way a cluster keeps
 * Deployments and their status: workers write what should run, the supervisor beside the
 * gateway makes it so and reports back. A worker killed mid-deploy therefore leaves nothing
 * half-started that a replay would duplicate.
 */
export const localKeys = {
  desired: 'shipmate:local:desired',
  status: 'shipmate:local:status',
  /** Pub/sub channel: a service name whose desired state or status just changed. */
  changes: 'shipmate:local:changes',
  /** Set with a short expiry by a running supervisor, so a worker knows one is there. */
  heartbeat: 'shipmate:local:supervisor',
  /** Pub/sub channel: a service name whose scoring keys were just changed on disk. */
  keyChanges: 'shipmate:local:key-changes',
  /** Hash: service → how many key changes were announced (a counter, never a key). */
  keyGenerations: 'shipmate:local:key-generations',
  /** Hash: service → the highest key generation the gateway has stopped caching before. */
  keysSeen: 'shipmate:local:keys-seen',
} as const;

const registeredModel = z.object({
  name: z.string(),
  version: z.string(),
  dir: z.string(),
  runtime: z.enum(['python', 'node']),
  entryScript: z.string(),
  sourceDir: z.string(),
});

export const desiredEntry = z.object({
  revision: z.string(),
  deployment: z.object({
    service: z.string(),
    auth: authMode,
    versions: z.array(z.object({ spec: versionSpec, models: z.array(registeredModel).min(1) })),
  }),
});
export type DesiredEntry = z.infer<typeof desiredEntry>;

export const versionStatus = z.object({
  name: z.string(),
  desired: z.number(),
  ready: z.number(),
  restarts: z.number(),
  lastError: z.string().optional(),
  failing: z.boolean(),
  /** The revision of this version's replicas that are serving. */
  revision: z.string(),
});

export const statusEntry = z.object({
  revision: z.string(),
  versions: z.array(versionStatus),
  updatedAt: z.number(),
});
export type StatusEntry = z.infer<typeof statusEntry>;

/** A content hash: the same deployment always has the same revision. */
export function revisionOf(value: Deployment | readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}
