import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { InputError, NotFoundError } from '../platform/errors.js';
import { formatModelRef, type ModelRef } from './names.js';

/** Azure ML's inferenceconfig.json, the parts Shipmate uses; other fields are allowed. */
export const inferenceConfig = z.looseObject({
  entryScript: z.string().min(1),
  runtime: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(['python', 'node'])),
  sourceDirectory: z.string().min(1).optional(),
});

/** A registered model version found on disk, ready to run. */
export interface RegisteredModel {
  name: string;
  version: string;
  /** Absolute folder of this version. */
  dir: string;
  runtime: 'python' | 'node';
  /** Absolute path of the entry script. */
  entryScript: string;
  /** Absolute folder the entry script runs from. */
  sourceDir: string;
}

/** The local model registry: `SHIPMATE_MODELS/<name>/<version>/inferenceconfig.json`. */
export class ModelCatalog {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** Every registered name with its versions, newest last. */
  async list(): Promise<Array<{ name: string; versions: string[] }>> {
    const names = await subfolders(this.#root);
    const models = await Promise.all(
      names.map(async (name) => {
        const numbered = (await subfolders(path.join(this.#root, name))).filter((v) =>
          /^[1-9][0-9]*$/.test(v),
        );
        // A version is registered once it has its inferenceconfig.json.
        const registered = await Promise.all(
          numbered.map((v) => isFile(path.join(this.#root, name, v, 'inferenceconfig.json'))),
        );
        const versions = numbered.filter((_, i) => registered[i]);
        return { name, versions: versions.sort((a, b) => Number(a) - Number(b)) };
      }),
    );
    return models.filter((m) => m.versions.length > 0).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Looks a model version up; NotFoundError names what is registered instead. */
  async get(ref: ModelRef): Promise<RegisteredModel> {
    const dir = path.join(this.#root, ref.name, ref.version);
    const configPath = path.join(dir, 'inferenceconfig.json');
    const raw = await readFile(configPath, 'utf8').catch(() => undefined);
    if (raw === undefined) throw await this.#notFound(ref);

    let parsed: z.infer<typeof inferenceConfig>;
    try {
      parsed = inferenceConfig.parse(JSON.parse(raw));
    } catch (error) {
      throw new InputError({
        code: 'inference_config_invalid',
        userMessage: `Model ${formatModelRef(ref)} has an unusable inferenceconfig.json: ${
          error instanceof z.ZodError ? z.prettifyError(error) : String(error)
        }`,
        cause: error,
      });
    }

    const sourceDir = path.resolve(dir, parsed.sourceDirectory ?? '.');
    const entryScript = path.resolve(sourceDir, parsed.entryScript);
    if (!(await isFile(entryScript))) {
      throw new InputError({
        code: 'entry_script_missing',
        userMessage:
          `Model ${formatModelRef(ref)} names entry script ${parsed.entryScript}, ` +
          'which is not in its folder.',
      });
    }
    return { ...ref, dir, runtime: parsed.runtime, entryScript, sourceDir };
  }

  async #notFound(ref: ModelRef): Promise<NotFoundError> {
    const known = await this.list();
    const model = known.find((m) => m.name === ref.name);
    const hint = model
      ? `Registered versions of ${ref.name}: ${model.versions.join(', ')}.`
      : `Registered models: ${known.map((m) => m.name).join(', ') || 'none'} (see \`model list\`).`;
    return new NotFoundError({
      code: 'model_not_found',
      userMessage: `Model ${formatModelRef(ref)} is not registered. ${hint}`,
    });
  }
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}
