import type { ModelCatalog } from '../registry/model-catalog.js';
import type { ServiceRecord } from '../registry/service-record.js';
import type { Deployment } from '../targets/target.js';

/** The whole desired state of a service for its target: every version with its models. */
export async function deploymentOf(
  record: ServiceRecord,
  catalog: ModelCatalog,
): Promise<Deployment> {
  const versions = await Promise.all(
    record.versions.map(async (spec) => ({
      spec,
      models: await Promise.all(spec.models.map((ref) => catalog.get(ref))),
    })),
  );
  return { service: record.name, auth: record.auth, versions };
}
