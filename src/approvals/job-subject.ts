import type { JobData } from '../queue/job-schemas.js';
import type { ServiceRecord } from '../registry/service-record.js';
import type { ServiceStore } from '../registry/service-store.js';

/** The service or endpoint a job is about, and where it runs, whatever the job kind. */
export interface JobSubject {
  name: string | undefined;
  target: string | undefined;
  current: ServiceRecord | undefined;
}

/**
 * Reads the subject from fields every kind names the same way (`service`, `endpoint`,
 * `target`), so kinds added later are covered without a change here.
 */
export async function jobSubject(data: JobData, services: ServiceStore): Promise<JobSubject> {
  const fields = data as unknown as Record<string, unknown>;
  const name = [fields.service, fields.endpoint, fields.name].find(
    (value): value is string => typeof value === 'string',
  );
  const current = name === undefined ? undefined : await services.get(name);
  const target = typeof fields.target === 'string' ? fields.target : current?.target;
  return { name, target, current };
}
