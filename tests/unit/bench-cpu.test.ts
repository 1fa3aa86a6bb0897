/**
 * The benchmark's CPU reading (tests/bench/cpu.ts): /proc lines, Chromium's process kinds, and
 * the CPU used between two snapshots.
 */
import { describe, expect, it } from 'vitest';
import { cpuBetween, kindOf, parseStat, totalCpu, type CpuSnapshot } from '@/tests/bench/cpu';

describe('parseStat', () => {
  it('reads the parent pid and user + system ticks, whatever the command name holds', () => {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const line = '4242 (Chrome_Child) (x) S 4200 4200 4200 0 -1 4194560 1500 0 3 0 731 129 0 0 20 0 18 0 5000 0 0';
    expect(parseStat(line)).toEqual({ ppid: 4200, ticks: 731 + 129 });
  });

  it('says nothing of a line it cannot read', () => {
    expect(parseStat('garbage')).toBeUndefined();
  });
});

describe('kindOf', () => {
  const cmd = (...args: string[]) => ['/usr/lib/chromium/chromium', ...args].join('\0');

  it('tells the browser, page renderers, the extension renderer and the GPU process apart', () => {
    expect(kindOf(cmd('--user-data-dir=/tmp/p', '--load-extension=/x'))).toBe('browser');
    expect(kindOf(cmd('--type=renderer', '--renderer-client-id=7'))).toBe('page');
    expect(kindOf(cmd('--type=renderer', '--extension-process', '--renderer-client-id=5'))).toBe('extension');
    expect(kindOf(cmd('--type=gpu-process'))).toBe('gpu');
    expect(kindOf(cmd('--type=utility', '--utility-sub-type=network.mojom.NetworkService'))).toBe('other');
    expect(kindOf(cmd('--type=zygote'))).toBe('other');
  });

  it('reads the one-line title Chromium gives its child processes', () => {
    expect(kindOf('/usr/lib/chromium/chromium --type=renderer --extension-process --lang=en')).toBe('extension');
    expect(kindOf('/usr/lib/chromium/chromium --type=renderer --lang=en')).toBe('page');
    expect(kindOf('/usr/lib/chromium/chromium --type=gpu-process --lang=en')).toBe('gpu');
  });

  it('is not fooled by a flag that only contains the words', () => {
    expect(kindOf(cmd('--type=renderer', '--no-extension-process-limit'))).toBe('page');
    expect(kindOf(cmd('--my-type=renderer'))).toBe('browser');
  });
});

describe('cpuBetween', () => {
  it('sums each kind’s CPU used in between; a process started in between counts from zero', () => {
    const before: CpuSnapshot = new Map([
      [1, { kind: 'browser', ms: 1000 }],
      [2, { kind: 'extension', ms: 300 }],
      [3, { kind: 'page', ms: 50 }],
    ]);
    const after: CpuSnapshot = new Map([
      [1, { kind: 'browser', ms: 1120 }],
      [2, { kind: 'extension', ms: 340 }],
      // Process 3 (the previous page) ended; 4 is the new page's renderer.
      [4, { kind: 'page', ms: 410 }],
    ]);
    const used = cpuBetween(before, after);
    expect(used).toEqual({ browser: 120, page: 410, extension: 40, gpu: 0, other: 0 });
    expect(totalCpu(used)).toBe(570);
  });
});
