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
  const base = `${model.name}-${model.version}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const trimmed = base
    .replace(/^[^a-z]+/, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return trimmed.length >= 3 ? trimmed : `v-${trimmed}`.padEnd(3, '0');
}

export function formatModelRef(model: ModelRef): string {
  return `${model.name}:${model.version}`;
}
