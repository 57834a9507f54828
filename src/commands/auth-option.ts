import { z } from 'zod';

import { authMode } from '../registry/service-record.js';

const bothMessage =
  'a service uses key auth or token auth, never both (as in Azure ML): ' +
  'pick --auth key, --auth token or --auth none';

/**
 * `--auth key|token|none`. Asking for key and token together (`key,token`, `both`, …) is
 * refused with the reason, not with a bare "expected one of".
 */
export const authOption = z
  .string()
  .refine((value) => !asksForBoth(value), { error: bothMessage, abort: true })
  .pipe(z.enum(authMode.options, { error: 'expected key, token or none' }));

function asksForBoth(value: string): boolean {
  const lowered = value.toLowerCase();
  return lowered === 'both' || (lowered.includes('key') && lowered.includes('token'));
}
