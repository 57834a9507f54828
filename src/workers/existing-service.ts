import { NotFoundError } from '../platform/errors.js';
import type { ServiceRecord } from '../registry/service-record.js';
import type { ServiceStore } from '../registry/service-store.js';

/** The service a job changes; a NotFoundError when it was deleted since the job was asked. */
export async function existingService(
  services: ServiceStore,
  name: string,
): Promise<ServiceRecord> {
  const record = await services.get(name);
  if (record !== undefined) return record;

  throw new NotFoundError({
    code: 'service_not_found',
    userMessage: `Service ${name} no longer exists; nothing to change.`,
  });
}
