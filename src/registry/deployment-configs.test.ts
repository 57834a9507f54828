import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InputError, NotFoundError } from '../platform/errors.js';
import { DeploymentConfigs } from './deployment-configs.js';
import { failure } from '../../test/support/failure.js';

describe('DeploymentConfigs', () => {
  let dir: string;
  let configs: DeploymentConfigs;

  const aksConfig = {
    computeType: 'AKS',
    containerResourceRequirements: { cpu: 0.5, memoryInGB: 1.5 },
    autoScaler: { autoscaleEnabled: true, minReplicas: 2, maxReplicas: 4, targetUtilization: 60 },
    authEnabled: false,
    tokenAuthEnabled: true,
    scoringTimeoutMs: 5_000,
    numReplicas: 3,
    collectModelData: true,
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipmate-configs-'));
    const files: Record<string, string> = {
      'prod.json': JSON.stringify(aksConfig),
      'empty.json': '{}',
      'truncated.json': '{ "containerResourceRequirements": { "cpu": ',
      'negative-cpu.json': JSON.stringify({ containerResourceRequirements: { cpu: -1 } }),
      'two-problems.json': JSON.stringify({ authEnabled: 'yes', numReplicas: 0 }),
      'list.json': '[]',
    };
    for (const [name, content] of Object.entries(files)) {
      await writeFile(path.join(dir, name), content);
    }
    configs = new DeploymentConfigs(dir);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads Azure ML's deploymentconfig.json shape, keeping fields it does not use", async () => {
    expect(await configs.get('prod')).toEqual(aksConfig);
  });

  it('reads an empty configuration as one that changes nothing', async () => {
    expect(await configs.get('empty')).toEqual({});
  });

  it('refuses a configuration that does not exist, naming the file it looked for', async () => {
    const error = await failure(configs.get('staging'), NotFoundError);

    expect(error.code).toBe('config_not_found');
    expect(error.userMessage).toBe(
      'There is no deployment configuration staging (looked for staging.json).',
    );
  });

  it('refuses a configuration that is not valid JSON, naming it', async () => {
    const error = await failure(configs.get('truncated'), InputError);

    expect(error.code).toBe('config_invalid');
    expect(error.userMessage).toBe('Deployment configuration truncated is not valid JSON.');
  });

  it('refuses a bad field, naming its path', async () => {
    const error = await failure(configs.get('negative-cpu'), InputError);

    expect(error.code).toBe('config_invalid');
    expect(error.userMessage).toMatch(/^Deployment configuration negative-cpu: /);
    expect(error.userMessage).toContain('containerResourceRequirements.cpu');
  });

  it('names every bad field at once', async () => {
    const message = (await failure(configs.get('two-problems'), InputError)).userMessage;

    expect(message).toContain('authEnabled');
    expect(message).toContain('numReplicas');
  });

  it('refuses JSON that is not an object', async () => {
    const error = await failure(configs.get('list'), InputError);

    expect(error.code).toBe('config_invalid');
    expect(error.userMessage).toContain('expected object');
  });
});
