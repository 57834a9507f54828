import { z } from 'zod';

/** Which of a service's two scoring keys: Azure ML's primary and secondary. */
export const keyName = z.enum(['primary', 'secondary']);
export type KeyName = z.infer<typeof keyName>;
