/**
 * Every command kind a policy rule may name. A name outside this list is refused when the
 * policy loads: a typo (`servcie.delete`) must not quietly make a rule match nothing and so
 * loosen the policy. A test keeps the list equal to the commands of this release.
 */
export const policyKinds: readonly string[] = [
  'help',
  'model.list',
  'deploy',
  'service.list',
  'service.show',
  'service.logs',
  'service.delete',
  'service.update',
  'service.auth',
  'endpoint.version.add',
  'endpoint.version.update',
  'endpoint.version.delete',
  'traffic',
  'keys.show',
  'keys.regen',
  'token',
  'jobs',
  'job',
  'approve',
  'reject',
  'audit',
];
