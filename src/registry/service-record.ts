import { z } from 'zod';

import { modelRef, resourceName } from './names.js';

/** How many replicas run: a fixed count, or autoscale between bounds. */
export const scaleSettings = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('fixed'), replicas: z.number().int().min(1).max(100) }),
  z.object({
    mode: z.literal('auto'),
    min: z.number().int().min(1).max(100),
    max: z.number().int().min(1).max(100),
    targetUtilization: z.number().int().min(1).max(100),
  }),
]);
export type ScaleSettings = z.infer<typeof scaleSettings>;

export const authMode = z.enum(['key', 'token', 'none']);
export type AuthMode = z.infer<typeof authMode>;

/** One version behind an endpoint: what it runs and how it is sized. */
export const versionSpec = z.object({
  name: resourceName,
  models: z.array(modelRef).min(1),
  cpu: z.number().positive().max(64),
  memoryGb: z.number().positive().max(256),
  scale: scaleSettings,
  scoringTimeoutMs: z.number().int().min(100).max(300_000),
  /** Assigned traffic percentile; undefined counts as 0. */
  traffic: z.number().min(0).max(100).optional(),
  isDefault: z.boolean(),
  role: z.enum(['control', 'treatment']).optional(),
});
export type VersionSpec = z.infer<typeof versionSpec>;

export const serviceState = z.enum(['deploying', 'updating', 'ready', 'failed', 'deleting']);
export type ServiceState = z.infer<typeof serviceState>;

/** A service (an endpoint with its versions) as the registry keeps it. */
export const serviceRecord = z.object({
  name: resourceName,
  /** `local`, or the name of an attached cluster. */
  target: z.string(),
  auth: authMode,
  versions: z.array(versionSpec).min(1).max(6),
  state: serviceState,
  /** Why the last job on this service failed, in words a user can act on. */
  lastError: z.string().optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The job that last changed this service. */
  jobId: z.string(),
});
export type ServiceRecord = z.infer<typeof serviceRecord>;

/** Azure ML's AKS defaults (DESIGN "Domain rules"). */
export const serviceDefaults = {
  cpu: 0.1,
  memoryGb: 0.5,
  scale: { mode: 'auto', min: 1, max: 10, targetUtilization: 70 } satisfies ScaleSettings,
  scoringTimeoutMs: 60_000,
} as const;
