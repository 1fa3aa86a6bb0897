/**
 * The benchmark's trace reading (tests/bench/harness.ts): which main-thread tasks ran Kehila's
 * code, what they were made of, and how several traced loads become one figure.
 */
import { describe, expect, it } from 'vitest';
import { addedByEvent, medianTrace, summarizeTrace, type TraceEvent, type TraceSummary } from '@/tests/bench/harness';

const EXTENSION = 'abcdefghijklmnopabcdefghijklmnop';
const MAIN = { pid: 1, tid: 10 };
const OTHER_THREAD = { pid: 1, tid: 11 };

function event(name: string, ts: number, dur: number, thread = MAIN, url?: string): TraceEvent {
  return { name, ph: 'X', ts, dur, ...thread, args: url ? { data: { url } } : {} };
}

/** A renderer main thread (and a compositor thread) with three tasks: one ran Kehila's code. */
function load(kehilaTimerMs: number): TraceEvent[] {
  return [
    { name: 'thread_name', ph: 'M', ts: 0, ...MAIN, args: { name: 'CrRendererMain' } },
    { name: 'thread_name', ph: 'M', ts: 0, ...OTHER_THREAD, args: { name: 'Compositor' } },
    // The page parses and lays out: 30 ms, none of it ours.
    event('RunTask', 0, 30_000),
    event('ParseHTML', 1_000, 20_000),
    event('Layout', 22_000, 8_000),
    // Kehila's timer: its function call, and a layout it forced, inside one task.
    event('RunTask', 40_000, kehilaTimerMs * 1000),
    event('TimerFire', 40_000, kehilaTimerMs * 1000 - 2_000),
    event('FunctionCall', 40_100, kehilaTimerMs * 1000 - 3_000, MAIN, `chrome-extension://${EXTENSION}/content-scripts/facebook.js`),
    // Work on another thread never counts.
    event('RunTask', 40_000, 90_000, OTHER_THREAD, `chrome-extension://${EXTENSION}/content-scripts/facebook.js`),
    // A paint after it.
    event('RunTask', 100_000, 5_000),
    event('Paint', 100_500, 4_000),
  ];
}

describe('bench traces', () => {
  it('counts only main-thread tasks that ran Kehila’s code, and breaks them down', () => {
    const summary = summarizeTrace(load(12), EXTENSION);
    expect(summary.extensionTasks).toBe(1);
    expect(summary.extensionTaskMs).toBe(12);
    expect(summary.longestExtensionTaskMs).toBe(12);
    expect(summary.longestTaskBreakdownMs).toEqual({ TimerFire: 10, '(task itself)': 2 });
    // Every main-thread task, by what ran directly in it.
    expect(summary.byEventMs).toEqual({ ParseHTML: 20, TimerFire: 10, Layout: 8, Paint: 4, '(task itself)': 5 });
  });

  it('takes each figure of several loads as their median', () => {
    const traces: TraceSummary[] = [30, 12, 14, 90, 13].map((ms) => summarizeTrace(load(ms), EXTENSION));
    const median = medianTrace(traces);
    expect(median.extensionTaskMs).toBe(14);
    expect(median.extensionTasks).toBe(1);
    expect(median.byEventMs.TimerFire).toBe(12);
    expect(median.byEventMs.ParseHTML).toBe(20);
    expect(() => medianTrace([])).toThrow();
  });

  it('says where Kehila’s load spent more than the baseline’s', () => {
    const baseline = summarizeTrace(load(0).filter((e) => e.name !== 'TimerFire' && e.name !== 'FunctionCall'), EXTENSION);
    expect(addedByEvent(summarizeTrace(load(12), EXTENSION), baseline)).toEqual({ TimerFire: 10, '(task itself)': 2 });
  });
});
