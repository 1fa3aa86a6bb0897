/**
 * CPU time of every process of one Chromium instance, by kind, read from Linux's /proc.
 *
 * The page's main-thread figures miss what Kehila costs elsewhere: the service worker's
 * renderer, and the browser process, which routes every message and runs IndexedDB. On a
 * two-core machine that work takes the CPU from the page. It is also a far steadier figure
 * than the page's wall time: CPU time does not grow when the scheduler runs something else.
 * (Measured this way, every revisit of the 500-item feed turned out to rewrite all its posts.)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const PROCESS_KINDS = ['browser', 'page', 'extension', 'gpu', 'other'] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];
export type CpuByKind = Record<ProcessKind, number>;

/** Each process of the instance: its kind and the CPU time (user + system, ms) it has used. */
export type CpuSnapshot = ReadonlyMap<number, { kind: ProcessKind; ms: number }>;

/** The parent pid and CPU ticks (user + system) of a /proc/<pid>/stat line. */
export function parseStat(stat: string): { ppid: number; ticks: number } | undefined {
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isInteger(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : undefined;
}

/**
 * What a Chromium process is, from its command line as /proc gives it: NUL-separated, or one
 * space-separated title (Chromium's child processes rewrite theirs).
 */
export function kindOf(cmdline: string): ProcessKind {
  const type = /(?:^|[\0 ])--type=([\w-]+)/.exec(cmdline)?.[1];
  if (type === undefined) return 'browser';
  if (type === 'renderer') return /(?:^|[\0 ])--extension-process(?:[\0 ]|$)/.test(cmdline) ? 'extension' : 'page';
  if (type === 'gpu-process') return 'gpu';
  return 'other';
}

let msPerTick: number | undefined;
function tickMs(): number {
  if (msPerTick === undefined) {
    let hz = 100;
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // getconf missing: Linux's usual USER_HZ.
    }
    msPerTick = 1000 / hz;
  }
  return msPerTick;
}

/**
 * The CPU used so far by the Chromium instance whose profile is `profileDir` (its browser
 * process is the one started with that --user-data-dir) and every process under it; undefined
 * where there is no /proc or no such process.
 */
export function cpuSnapshot(profileDir: string): CpuSnapshot | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const all = new Map<number, { ppid: number; ticks: number; cmdline: string }>();
  for (const pid of pids) {
    try {
      const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (stat) all.set(Number(pid), { ...stat, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8') });
    } catch {
      // The process ended while we looked.
    }
  }
  const flag = `--user-data-dir=${profileDir}`;
  const root = [...all].find(([, proc]) => proc.cmdline.split(/[\0 ]/).includes(flag) && kindOf(proc.cmdline) === 'browser')?.[0];
  if (root === undefined) return undefined;
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, proc] of all) {
      if (!tree.has(pid) && tree.has(proc.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const ms = tickMs();
  return new Map([...tree].map((pid) => [pid, { kind: kindOf(all.get(pid)!.cmdline), ms: all.get(pid)!.ticks * ms }]));
}

/**
 * CPU used between two snapshots, by kind. A process started in between counts from zero; one
 * that ended in between is lost (take the second snapshot before closing the page).
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuByKind {
  const used: CpuByKind = { browser: 0, page: 0, extension: 0, gpu: 0, other: 0 };
  for (const [pid, { kind, ms }] of after) used[kind] += ms - (before.get(pid)?.ms ?? 0);
  return used;
}

export function totalCpu(used: CpuByKind): number {
  return PROCESS_KINDS.reduce((sum, kind) => sum + used[kind], 0);
}
