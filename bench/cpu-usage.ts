import { readdir, readFile } from 'node:fs/promises';

/** CPU used during a phase, in percent of one core (a 2-core machine tops out at 200). */
export interface CpuShare {
  cores: number;
  machine: number;
  product: number;
  runners: number;
  bench: number;
  redis: number;
  /** Everything else on the machine: work by other users that competes with the figures. */
  others: number;
}

type Group = 'product' | 'runners' | 'bench' | 'redis';

interface Snapshot {
  at: number;
  busyTicks: number;
  /** CPU ticks so far of each process, by pid, with its group. */
  processes: Map<number, { group: Group; ticks: number }>;
}

/** Linux clock ticks per second (USER_HZ); 100 on every mainstream kernel. */
const ticksPerSecond = 100;

/** See {@link createCpuMeter}. */
export type CpuMeter = ReturnType<typeof createCpuMeter>;

/**
 * Takes CPU snapshots from /proc so each phase can say how busy the machine was and who was
 * busy: this bench's own processes, or others competing with them.
 */
export function createCpuMeter(options: { home: string; redisPid: number; cores: number }) {
  const snapshot = async (): Promise<Snapshot> => {
    const processes = new Map<number, { group: Group; ticks: number }>();
    processes.set(process.pid, { group: 'bench', ticks: await processTicks(process.pid) });
    processes.set(options.redisPid, {
      group: 'redis',
      ticks: await processTicks(options.redisPid),
    });
    for (const name of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
      const environ = await readFile(`/proc/${name}/environ`, 'utf8').catch(() => '');
      const vars = environ.split('\0');
      if (!vars.includes(`SHIPMATE_HOME=${options.home}`)) continue;
      const group = vars.some((v) => v.startsWith('SHIPMATE_ENTRY')) ? 'runners' : 'product';
      processes.set(Number(name), { group, ticks: await processTicks(Number(name)) });
    }
    return { at: performance.now(), busyTicks: await machineBusyTicks(), processes };
  };

  return {
    snapshot,
    /** CPU shares between an earlier snapshot and now. */
    async since(start: Snapshot): Promise<CpuShare> {
      const end = await snapshot();
      const seconds = (end.at - start.at) / 1000;
      const pct = (ticks: number): number => (100 * ticks) / ticksPerSecond / seconds;
      // Per process: one that ended during the phase (a replaced replica) takes its ticks
      // with it, which must not count as negative use by the processes that remain.
      const used = { product: 0, runners: 0, bench: 0, redis: 0 };
      for (const [pid, now] of end.processes) {
        used[now.group] += Math.max(0, now.ticks - (start.processes.get(pid)?.ticks ?? 0));
      }
      const share = {
        product: pct(used.product),
        runners: pct(used.runners),
        bench: pct(used.bench),
        redis: pct(used.redis),
      };
      const machine = pct(end.busyTicks - start.busyTicks);
      const ours = share.product + share.runners + share.bench + share.redis;
      return { cores: options.cores, machine, ...share, others: Math.max(0, machine - ours) };
    },
  };
}

/** utime + stime of one process, in clock ticks; 0 once it is gone. */
async function processTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime field 14 and stime field 15.
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/** Busy clock ticks of all CPUs together: everything but idle and iowait. */
async function machineBusyTicks(): Promise<number> {
  const first = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const values = first.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values;
  return user + nice + system + irq + softirq + steal;
}

/**
 * Waits (at most `maxWaitMs`) until other processes use less than `threshold` percent of a
 * core, sampled over one second; resolves to the last share seen, quiet or not.
 */
export async function waitForQuiet(
  cpu: CpuMeter,
  threshold = 50,
  maxWaitMs = 20_000,
): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const start = await cpu.snapshot();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const others = (await cpu.since(start)).others;
    if (others < threshold || Date.now() >= deadline) return others;
  }
}
