import { z } from 'zod';

/** Where a job came from: who asked, on which platform, and where its status message goes. */
export const jobOrigin = z.object({
  platform: z.enum(['slack', 'teams', 'console']),
  userId: z.string().min(1),
  userName: z.string(),
  channelId: z.string().min(1),
  /** The platform's id of the request; a repeated delivery carries the same one. */
  requestId: z.string().min(1),
  /** The command as typed, for the status message and the audit log. */
  text: z.string().max(4000),
});
export type JobOrigin = z.infer<typeof jobOrigin>;
