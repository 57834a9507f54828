import { z } from 'zod';

/** SPEC: 3–32 characters, lowercase letters, digits and `-`, a letter first, no `-` last. */
export const resourceName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
    '3–32 lowercase letters, digits or -, starting with a letter, ending with a letter or digit',
  );

/** A registered model's name as Azure ML allows it. */
export const modelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'letters, digits, . _ or -, up to 255');

/** `<model>:<version>` as typed in chat. */
export const modelRef = z.object({
  name: modelName,
  version: z.string().regex(/^[1-9][0-9]{0,8}$/, 'a version number such as 1'),
});
export type ModelRef = z.infer<typeof modelRef>;

/** The default version name for a deploy: `diabetes:1` → `diabetes-1`. */
export function defaultVersionName(model: ModelRef): string {
  const suffix = `-${model.version}`;
  let base = model.name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  // A version name starts with a letter; `123:4` becomes `m123-4`, not a clash with `456:7`.
  if (!/^[a-z]/.test(base)) base = `m${base}`;
  // Shorten the model part, never the version: versions 1 and 2 must stay apart.
  base = base.slice(0, 32 - suffix.length).replace(/-+$/, '');
  return `${base}${suffix}`;
}

export function formatModelRef(model: ModelRef): string {
  return `${model.name}:${model.version}`;
}
