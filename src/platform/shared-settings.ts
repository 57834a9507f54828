import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * The settings a running Shipmate publishes for `shipmate say`, which handles commands in its
 * own process: the policy and the token lifetime the product enforces, so a terminal with
 * another `SHIPMATE_POLICY` (or none) cannot decide differently from the chat.
 */
export const sharedSettings = z.object({
  /** The policy file's path, or `built-in`. */
  policySource: z.string(),
  /** The policy file's text; null for the built-in policy. */
  policyText: z.string().nullable(),
  tokenLifetimeS: z.number().int().positive(),
});
export type SharedSettings = z.infer<typeof sharedSettings>;

const key = 'shipmate:settings';

/** Written by the chat ingress at start; the newest start wins. */
export async function publishSettings(redis: Redis, settings: SharedSettings): Promise<void> {
  await redis.set(key, JSON.stringify(sharedSettings.parse(settings)));
}

/** What the running product published, or undefined when nothing (readable) was. */
export async function readSettings(redis: Redis): Promise<SharedSettings | undefined> {
  const raw = await redis.get(key);
  if (raw === null) return undefined;

  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = sharedSettings.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
