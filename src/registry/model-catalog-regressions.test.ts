import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NotFoundError } from '../platform/errors.js';
import { ModelCatalog } from './model-catalog.js';

describe('ModelCatalog', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shipmate-models-'));
    await mkdir(path.join(root, 'diabetes', '1'), { recursive: true });
    await writeFile(
      path.join(root, 'diabetes', '1', 'inferenceconfig.json'),
      JSON.stringify({ entryScript: 'score.py', runtime: 'python' }),
    );
    await writeFile(path.join(root, 'diabetes', '1', 'score.py'), '');
    // A version folder without inferenceconfig.json, e.g. an upload still being copied.
    await mkdir(path.join(root, 'diabetes', '2'), { recursive: true });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // SPEC: a registered model is a folder with its files and an inferenceconfig.json.
  // list() counts every numbered folder, so `model list` offers diabetes:2, and get() says
  // "Model diabetes:2 is not registered. Registered versions of diabetes: 1, 2."
  it('lists only versions that have an inferenceconfig.json', async () => {
    expect(await new ModelCatalog(root).list()).toEqual([{ name: 'diabetes', versions: ['1'] }]);
  });

  it('does not name the refused version among the registered ones', async () => {
    const error = await new ModelCatalog(root)
      .get({ name: 'diabetes', version: '2' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).userMessage).toContain('Registered versions of diabetes: 1.');
  });
});
