import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { sleep } from './timing.js';

const readyLine = /\[([^\]#]+)#(\d+)\] shipmate-runner ready port=(\d+)/g;

/**
 * The ports of a service's ready replicas, read from `<home>/logs/<service>.log`, where the
 * supervisor copies each runner's `shipmate-runner ready port=<port>` line. The latest line
 * per replica wins, so a restarted replica reports its new port.
 */
export async function readyPorts(home: string, service: string): Promise<number[]> {
  const file = path.join(home, 'logs', `${service}.log`);
  const text = await readFile(file, 'utf8').catch(() => '');
  const byReplica = new Map<string, number>();
  for (const match of text.matchAll(readyLine)) {
    byReplica.set(`${match[1] ?? ''}#${match[2] ?? ''}`, Number(match[3]));
  }
  return [...byReplica.values()];
}

/** Waits until `count` replicas of the service have named their ports. */
export async function waitForPorts(
  home: string,
  service: string,
  count: number,
  timeoutMs = 60_000,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ports = await readyPorts(home, service);
    if (ports.length >= count) return ports;
    await sleep(50);
  }
  throw new Error(`${service}: ${count} ready replica port(s) not logged within ${timeoutMs} ms`);
}
