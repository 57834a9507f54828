import { describe, expect, it } from 'vitest';

import type { DeployCommand } from '../commands/command.js';
import { parseCommand } from '../commands/parse-command.js';
import { InputError } from '../platform/errors.js';
import { authFrom, versionFromDeploy } from './version-from-deploy.js';

function deploy(flags = ''): DeployCommand {
  const command = parseCommand(`deploy diabetes:1 --name diabetes ${flags}`);
  if (command.kind !== 'deploy') throw new Error('expected a deploy');
  return command;
}

function refusal(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('versionFromDeploy', () => {
  it("uses Azure ML's AKS defaults when neither flags nor a configuration say otherwise", () => {
    expect(versionFromDeploy(deploy(), {})).toEqual({
      name: 'diabetes-1',
      models: [{ name: 'diabetes', version: '1' }],
      cpu: 0.1,
      memoryGb: 0.5,
      scale: { mode: 'auto', min: 1, max: 10, targetUtilization: 70 },
      scoringTimeoutMs: 60_000,
      isDefault: true,
    });
  });

  it('names the version after the first model unless --version is given', () => {
    const command = parseCommand('deploy diabetes:3,other:2 --name diabetes');
    if (command.kind !== 'deploy') throw new Error('expected a deploy');

    expect(versionFromDeploy(command, {}).name).toBe('diabetes-3');
    expect(versionFromDeploy(deploy('--version blue'), {}).name).toBe('blue');
  });

  it('keeps every model of the deploy', () => {
    const command = parseCommand('deploy diabetes:1,other:2 --name diabetes');
    if (command.kind !== 'deploy') throw new Error('expected a deploy');

    expect(versionFromDeploy(command, {}).models).toEqual([
      { name: 'diabetes', version: '1' },
      { name: 'other', version: '2' },
    ]);
  });

  it('takes cpu, memory, autoscaler and timeout from a deployment configuration', () => {
    const version = versionFromDeploy(deploy(), {
      containerResourceRequirements: { cpu: 0.5, memoryInGB: 2 },
      autoScaler: { autoscaleEnabled: true, minReplicas: 2, maxReplicas: 4, targetUtilization: 50 },
      scoringTimeoutMs: 5_000,
    });

    expect(version).toMatchObject({
      cpu: 0.5,
      memoryGb: 2,
      scale: { mode: 'auto', min: 2, max: 4, targetUtilization: 50 },
      scoringTimeoutMs: 5_000,
    });
  });

  it('lets the flags win over the deployment configuration', () => {
    const version = versionFromDeploy(deploy('--cpu 2 --memory 4 --replicas 3'), {
      containerResourceRequirements: { cpu: 0.5, memoryInGB: 1 },
      autoScaler: { autoscaleEnabled: true, minReplicas: 2, maxReplicas: 4 },
    });

    expect(version).toMatchObject({ cpu: 2, memoryGb: 4, scale: { mode: 'fixed', replicas: 3 } });
  });

  it('autoscales within the --autoscale range even when the configuration fixes replicas', () => {
    const version = versionFromDeploy(deploy('--autoscale 2-6'), {
      autoScaler: { autoscaleEnabled: false },
      numReplicas: 5,
    });

    expect(version.scale).toEqual({ mode: 'auto', min: 2, max: 6, targetUtilization: 70 });
  });

  it('runs a fixed number of replicas when the configuration sets numReplicas alone', () => {
    expect(versionFromDeploy(deploy(), { numReplicas: 3 }).scale).toEqual({
      mode: 'fixed',
      replicas: 3,
    });
  });

  it('runs one replica when the configuration turns autoscale off without a count', () => {
    expect(versionFromDeploy(deploy(), { autoScaler: { autoscaleEnabled: false } }).scale).toEqual({
      mode: 'fixed',
      replicas: 1,
    });
  });

  it('fills autoscale bounds the configuration leaves out with the defaults', () => {
    expect(versionFromDeploy(deploy(), { autoScaler: { minReplicas: 3 } }).scale).toEqual({
      mode: 'auto',
      min: 3,
      max: 10,
      targetUtilization: 70,
    });
  });

  it('refuses a configuration whose minReplicas is above maxReplicas, naming both', () => {
    const error = refusal(() => versionFromDeploy(deploy(), { autoScaler: { minReplicas: 12 } }));

    expect(error.code).toBe('config_invalid');
    expect(error.userMessage).toContain('minReplicas 12');
    expect(error.userMessage).toContain('maxReplicas 10');
  });
});

describe('authFrom', () => {
  it('turns key auth on by default', () => {
    expect(authFrom(deploy(), {})).toBe('key');
    expect(authFrom(deploy(), { authEnabled: true, tokenAuthEnabled: false })).toBe('key');
  });

  it('uses token auth when the configuration turns it on', () => {
    expect(authFrom(deploy(), { tokenAuthEnabled: true })).toBe('token');
    expect(authFrom(deploy(), { authEnabled: false, tokenAuthEnabled: true })).toBe('token');
  });

  it('turns auth off when the configuration turns key auth off', () => {
    expect(authFrom(deploy(), { authEnabled: false })).toBe('none');
  });

  it('lets --auth win over the configuration', () => {
    expect(authFrom(deploy('--auth key'), { tokenAuthEnabled: true })).toBe('key');
    expect(authFrom(deploy('--auth none'), {})).toBe('none');
  });

  it('refuses a configuration with key and token auth both on', () => {
    const error = refusal(() =>
      authFrom(deploy('--auth none'), { authEnabled: true, tokenAuthEnabled: true }),
    );

    expect(error.code).toBe('auth_conflict');
    expect(error.userMessage).toContain('both key and token auth');
  });
});

describe('versionFromDeploy, edge cases', () => {
  // "Flags win over the named deployment configuration, which wins over Azure ML's
  // defaults": --autoscale sets only MIN-MAX, yet scaleFrom() hard-codes 70 % and drops
  // the configuration's targetUtilization.
  it("keeps the configuration's target utilization when --autoscale sets the range", () => {
    const command = parseCommand('deploy diabetes:1 --name diabetes --autoscale 2-4');
    if (command.kind !== 'deploy') throw new Error('expected a deploy');

    const version = versionFromDeploy(command, { autoScaler: { targetUtilization: 50 } });

    expect(version.scale).toEqual({ mode: 'auto', min: 2, max: 4, targetUtilization: 50 });
  });
});
