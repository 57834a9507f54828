import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InputError, NotFoundError } from '../platform/errors.js';
import { ModelCatalog } from './model-catalog.js';
import { failure } from '../../test/support/failure.js';

const shippedModels = fileURLToPath(new URL('../../models', import.meta.url));

/** Writes `files` (path → content) under `root`, making folders as needed. */
async function layOut(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
}

const python = JSON.stringify({ entryScript: 'score.py', runtime: 'python' });

describe('ModelCatalog with the shipped models folder', () => {
  const catalog = new ModelCatalog(shippedModels);

  it('lists the diabetes sample as versions 1 and 2', async () => {
    expect(await catalog.list()).toContainEqual({ name: 'diabetes', versions: ['1', '2'] });
  });

  it('finds diabetes:1 as a Python model with its entry script', async () => {
    const dir = path.join(shippedModels, 'diabetes', '1');

    expect(await catalog.get({ name: 'diabetes', version: '1' })).toEqual({
      name: 'diabetes',
      version: '1',
      dir,
      runtime: 'python',
      entryScript: path.join(dir, 'score.py'),
      sourceDir: dir,
    });
  });

  it('refuses diabetes:3 naming the versions that are registered', async () => {
    const error = await failure(catalog.get({ name: 'diabetes', version: '3' }), NotFoundError);

    expect(error.code).toBe('model_not_found');
    expect(error.userMessage).toBe(
      'Model diabetes:3 is not registered. Registered versions of diabetes: 1, 2.',
    );
  });

  it('refuses an unknown model naming the registered models', async () => {
    const { userMessage: message } = await failure(
      catalog.get({ name: 'housing', version: '1' }),
      NotFoundError,
    );

    expect(message).toMatch(/^Model housing:1 is not registered\. Registered models: /);
    expect(message).toMatch(/\bdiabetes\b.*\(see `model list`\)\.$/);
  });
});

describe('ModelCatalog with a folder of its own', () => {
  let root: string;
  let catalog: ModelCatalog;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shipmate-models-'));
    await layOut(root, {
      'diabetes/1/inferenceconfig.json': python,
      'diabetes/1/score.py': '',
      'diabetes/2/inferenceconfig.json': JSON.stringify({
        entryScript: 'score.py',
        runtime: 'Python',
      }),
      'diabetes/2/score.py': '',
      'diabetes/10/inferenceconfig.json': python,
      'diabetes/10/score.py': '',
      'diabetes/latest/inferenceconfig.json': python,
      'diabetes/.staging/inferenceconfig.json': python,
      'churn/3/inferenceconfig.json': JSON.stringify({
        entryScript: 'main.js',
        runtime: 'node',
        sourceDirectory: 'src',
      }),
      'churn/3/src/main.js': '',
      'notes/README.md': 'no versions here',
      '.cache/1/inferenceconfig.json': python,
      'broken-json/1/inferenceconfig.json': '{ "entryScript": ',
      'bad-runtime/1/inferenceconfig.json': JSON.stringify({ entryScript: 'a.R', runtime: 'r' }),
      'bad-runtime/1/a.R': '',
      'no-script/1/inferenceconfig.json': JSON.stringify({
        entryScript: 'gone.py',
        runtime: 'python',
      }),
    });
    catalog = new ModelCatalog(root);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists models by name with their numbered versions in numeric order', async () => {
    expect(await catalog.list()).toEqual([
      { name: 'bad-runtime', versions: ['1'] },
      { name: 'broken-json', versions: ['1'] },
      { name: 'churn', versions: ['3'] },
      { name: 'diabetes', versions: ['1', '2', '10'] },
      { name: 'no-script', versions: ['1'] },
    ]);
  });

  it('reads the runtime whatever its case', async () => {
    expect((await catalog.get({ name: 'diabetes', version: '2' })).runtime).toBe('python');
  });

  it('runs the entry script from the sourceDirectory the config names', async () => {
    const model = await catalog.get({ name: 'churn', version: '3' });

    expect(model.runtime).toBe('node');
    expect(model.sourceDir).toBe(path.join(root, 'churn', '3', 'src'));
    expect(model.entryScript).toBe(path.join(root, 'churn', '3', 'src', 'main.js'));
  });

  it('refuses a missing version naming every registered version', async () => {
    const error = await failure(catalog.get({ name: 'diabetes', version: '4' }), NotFoundError);

    expect(error.userMessage).toContain('Registered versions of diabetes: 1, 2, 10.');
  });

  it('refuses a model with an inferenceconfig.json that is not JSON', async () => {
    const error = await failure(catalog.get({ name: 'broken-json', version: '1' }), InputError);

    expect(error.code).toBe('inference_config_invalid');
    expect(error.userMessage).toMatch(
      /^Model broken-json:1 has an unusable inferenceconfig\.json: /,
    );
  });

  it('refuses an unknown runtime, naming the field and what it accepts', async () => {
    const error = await failure(catalog.get({ name: 'bad-runtime', version: '1' }), InputError);

    expect(error.code).toBe('inference_config_invalid');
    expect(error.userMessage).toContain('runtime');
    expect(error.userMessage).toContain('"python"|"node"');
  });

  it('refuses a model whose entry script is not in its folder', async () => {
    const error = await failure(catalog.get({ name: 'no-script', version: '1' }), InputError);

    expect(error.code).toBe('entry_script_missing');
    expect(error.userMessage).toContain('gone.py');
  });

  it('says there are no models when the registry folder does not exist', async () => {
    const empty = new ModelCatalog(path.join(root, 'does-not-exist'));

    expect(await empty.list()).toEqual([]);
    expect(
      (await failure(empty.get({ name: 'diabetes', version: '1' }), NotFoundError)).userMessage,
    ).toContain('Registered models: none');
  });
});
