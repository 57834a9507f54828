import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Writes a policy file to a fresh temporary folder; resolves to its path for SHIPMATE_POLICY. */
export async function writePolicyFile(text: string, name = 'policy.yaml'): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'shipmate-policy-'));
  const file = path.join(folder, name);
  await writeFile(file, text);
  return file;
}

/**
 * A policy that lets anyone delete a service without approval: for tests about deleting
 * itself, not about approving it.
 */
export const deletesWithoutApproval = [
  'rules:',
  '  - name: tests delete freely',
  '    commands: [service.delete]',
  '',
].join('\n');

/**
 * A policy that lets anyone shift traffic and change or delete versions without approval: for
 * tests about rollouts, not about approving them.
 */
export const rolloutsWithoutApproval = [
  'rules:',
  '  - name: tests roll out freely',
  '    commands: [traffic, endpoint.version.update, endpoint.version.delete, service.delete]',
  '',
].join('\n');

/** A policy that lets anyone regenerate keys and switch auth without approval. */
export const keyChangesWithoutApproval = [
  'rules:',
  '  - name: tests change keys freely',
  '    commands: [keys.regen, service.auth, service.delete]',
  '',
].join('\n');
