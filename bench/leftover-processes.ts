import { readdir, readFile } from 'node:fs/promises';

import { sleep } from './timing.js';

/**
 * PIDs of model runners started for this bench: their environment names both an entry script
 * and our private SHIPMATE_HOME, so runners of anyone else's product are never matched.
 */
export async function modelProcessesOf(home: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  for (const pid of pids) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    const vars = environ.split('\0');
    if (vars.includes(`SHIPMATE_HOME=${home}`) && vars.some((v) => v.startsWith('SHIPMATE_ENTRY'))) {
      found.push(Number(pid));
    }
  }
  return found;
}

/** Gives runners left after the product stopped a moment to exit, then kills each by pid. */
export async function killLeftovers(home: string, graceMs = 3_000): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  let left = await modelProcessesOf(home);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = await modelProcessesOf(home);
  }
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone between the scan and the kill.
    }
  }
  return left;
}
