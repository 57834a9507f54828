import { readdir, readFile } from 'node:fs/promises';

/** PIDs of live model runner processes whose entry script path contains `fragment`. */
export async function modelProcesses(fragment: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  for (const pid of pids) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    const entry = environ.split('\0').find((line) => line.startsWith('SHIPMATE_ENTRY_SCRIPT='));
    if (entry?.includes(fragment)) found.push(Number(pid));
  }
  return found;
}
