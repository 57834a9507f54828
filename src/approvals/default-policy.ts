import type { PolicyRule } from './policy-schema.js';

const oneApproval = { approvers: 1, from: ['*'], expires: 24 * 3_600_000, channels: [] };
const anyone = { services: ['*'], targets: ['*'], allow: ['*'] };

/**
 * The built-in policy, checked after the rules of a policy file: anyone may read and deploy to
 * the local target; traffic shifts, key regeneration, deletes and cluster deploys need one
 * approval by someone other than the requester. The last rule covers kinds this list does not
 * know yet: a new kind of change waits for one approval until a rule says otherwise.
 */
export const defaultRules: readonly PolicyRule[] = [
  {
    name: 'default: read-only commands',
    commands: [
      'help',
      'model.list',
      'service.list',
      'service.show',
      'service.logs',
      'keys.show',
      'token',
      'jobs',
      'job',
      'audit',
      'approve',
      'reject',
    ],
    ...anyone,
    approval: false,
  },
  {
    name: 'default: deploys to the local target',
    commands: ['deploy', 'endpoint.version.add', 'service.update'],
    ...anyone,
    targets: ['local'],
    approval: false,
  },
  {
    name: 'default: deploys to a cluster',
    commands: ['deploy', 'endpoint.version.add', 'service.update'],
    ...anyone,
    approval: oneApproval,
  },
  {
    name: 'default: traffic shifts',
    commands: ['traffic', 'endpoint.version.update'],
    ...anyone,
    approval: oneApproval,
  },
  {
    name: 'default: deletes',
    commands: ['service.delete', 'endpoint.version.delete'],
    ...anyone,
    approval: oneApproval,
  },
  { name: 'default: key regeneration', commands: ['keys.regen'], ...anyone, approval: oneApproval },
  { name: 'default: any other change', commands: ['*'], ...anyone, approval: oneApproval },
];
