/**
 * The other kinds a change counts as for policy, read from a command or a job's data: switching
 * auth is a `service update`, and adding a version that takes traffic (a share, or the
 * default's rest) is a traffic shift, so neither slips past the rules written for those.
 */
export function alsoCountsAs(kind: string, fields: object): string[] {
  if (kind === 'service.auth') return ['service.update'];
  if (kind !== 'endpoint.version.add') return [];

  const value = fields as {
    traffic?: number;
    makeDefault?: boolean;
    change?: { version?: { traffic?: number; isDefault?: boolean } };
  };
  const traffic = value.traffic ?? value.change?.version?.traffic ?? 0;
  const isDefault = value.makeDefault ?? value.change?.version?.isDefault ?? false;
  return traffic > 0 || isDefault ? ['traffic'] : [];
}
