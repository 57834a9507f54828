import { z } from 'zod';

import { endpointChange } from '../registry/endpoint-change.js';
import { keyName } from '../registry/key-name.js';
import { resourceName } from '../registry/names.js';
import { authMode, versionSpec } from '../registry/service-record.js';
import { jobOrigin } from './job-origin.js';

/**
 * The data of each job kind. Checked when enqueued and again when a worker starts the job:
 * jobs outlive deploys, so a worker may meet data written by an older release. No secret is
 * ever part of job data.
 */
export const deployJob = z.object({
  kind: z.literal('deploy'),
  origin: jobOrigin,
  service: resourceName,
  target: z.string(),
  auth: authMode,
  version: versionSpec,
});

export const deleteServiceJob = z.object({
  kind: z.literal('service.delete'),
  origin: jobOrigin,
  service: resourceName,
});

/** The job kinds that change an endpoint's versions, one per command. */
export const endpointJobKinds = [
  'service.update',
  'endpoint.version.add',
  'endpoint.version.update',
  'endpoint.version.delete',
  'traffic',
] as const;

export const endpointChangeJob = z.object({
  kind: z.enum(endpointJobKinds),
  origin: jobOrigin,
  service: resourceName,
  change: endpointChange,
  /**
   * The versions as they were before the first attempt changed them, written into the job
   * by that attempt: what a failed change is rolled back to.
   */
  before: z.array(versionSpec).optional(),
});

/** Names the key to replace; the new key is made by the target, never carried here. */
export const keysRegenJob = z.object({
  kind: z.literal('keys.regen'),
  origin: jobOrigin,
  service: resourceName,
  key: keyName,
});

/** Switches a service's auth mode; the credentials it needs are made by the target. */
export const serviceAuthJob = z.object({
  kind: z.literal('service.auth'),
  origin: jobOrigin,
  service: resourceName,
  auth: authMode,
});

export const jobData = z.discriminatedUnion('kind', [
  deployJob,
  deleteServiceJob,
  endpointChangeJob,
  keysRegenJob,
  serviceAuthJob,
]);

export type DeployJob = z.infer<typeof deployJob>;
export type DeleteServiceJob = z.infer<typeof deleteServiceJob>;
export type EndpointChangeJob = z.infer<typeof endpointChangeJob>;
export type EndpointJobKind = (typeof endpointJobKinds)[number];
export type KeysRegenJob = z.infer<typeof keysRegenJob>;
export type ServiceAuthJob = z.infer<typeof serviceAuthJob>;
export type JobData = z.infer<typeof jobData>;
export type JobKind = JobData['kind'];

/** One step of a job as shown in its status message. */
export const jobStep = z.object({
  name: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  detail: z.string().optional(),
});
export type JobStep = z.infer<typeof jobStep>;

/** What a job reports through `job.updateProgress`. */
export const jobProgress = z.object({ steps: z.array(jobStep) });
export type JobProgress = z.infer<typeof jobProgress>;

/** What a job returns when it succeeds: words for the status message, never a secret. */
export const jobResult = z.object({ summary: z.string(), scoringUri: z.string().optional() });
export type JobResult = z.infer<typeof jobResult>;
