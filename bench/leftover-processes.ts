import { readdir, readFile } from 'node:fs/promises';

import { sleep } from './timing.js';

/**
 * PIDs of the product and model runners started for this bench: their environment names our
 * private SHIPMATE_HOME, so processes of anyone else's product are never matched.
 */
export async function processesOf(home: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  for (const pid of pids) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    const mine = environ.split('\0').includes(`SHIPMATE_HOME=${home}`);
    if (mine && Number(pid) !== process.pid) found.push(Number(pid));
  }
  return found;
}

/** Gives processes left after the product stopped a moment to exit, then kills each by pid. */
export async function killLeftovers(home: string, graceMs = 3_000): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  let left = await processesOf(home);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = await processesOf(home);
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
