/**
 * What every benchmark scenario shares: the two browsers (Kehila's, and the same Chromium
 * without any extension as the baseline), pages served under their real host names, the page
 * probes (long tasks, badge arrival), DevTools protocol metrics, statistics and output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import { findChromium, launchKehila, ROOT, type KehilaBrowser } from '@/lib/cli/browser';

/** What the bench keeps between runs: its build with source maps, the seeded database. */
export const BENCH_CACHE = path.join(ROOT, 'node_modules/.cache/kehila-bench');

// ---------------------------------------------------------------------------------------------
// Output

/** One scenario's line of output: figures carry their unit in the field name. */
export interface BenchResult {
  scenario: string;
  target: string;
  /** null when the scenario was skipped or has no target. */
  met: boolean | null;
  [figure: string]: unknown;
}

export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

export function skipped(scenario: string, target: string, reason: string): BenchResult {
  return { scenario, skipped: true, reason, target, met: null };
}

// ---------------------------------------------------------------------------------------------
// Statistics

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p95 of 20 samples is the 19th smallest). */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Round for output: milliseconds to 0.1, ratios to 0.01. */
export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function ratio(value: number, baseline: number): number {
  return baseline > 0 ? round(value / baseline, 2) : Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// Code run inside the browser

/**
 * Run `fn(arg)` in a page or worker. The function travels as source text; tsx compiles with
 * esbuild's keepNames, whose `__name(…)` helper does not exist in the browser, so it is given a
 * no-op one here rather than leaking a global into the page.
 */
export async function inBrowser<A, R>(target: Page | Worker, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  const source = `(async () => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
  const evaluate = target.evaluate.bind(target) as (expression: string) => Promise<unknown>;
  return (await evaluate(source)) as R;
}

// ---------------------------------------------------------------------------------------------
// Browsers

export interface BenchBrowser {
  context: BrowserContext;
  /** Set for Kehila's browser only. */
  kehila?: KehilaBrowser;
  label: 'kehila' | 'baseline';
  /** The Chromium profile: it names the instance's processes (tests/bench/cpu.ts). */
  profileDir: string;
  close(): Promise<void>;
}

/** The same flags as lib/cli/browser.ts launchKehila, less the extension ones. */
const BASE_ARGS = ['--lang=en', '--disable-gpu', '--disable-quic', '--disable-sync', '--no-first-run', '--disable-background-networking', '--disable-component-update'];

/** Chromium with Kehila, on a fresh profile unless `profileDir` is given. */
export async function launchWithKehila(options: { headless: boolean; profileDir?: string; extensionDir?: string }): Promise<BenchBrowser> {
  const kehila = await launchKehila({ headless: options.headless, profileDir: options.profileDir, extensionDir: options.extensionDir });
  await kehila.context.addInitScript({ content: PAGE_PROBE });
  return { context: kehila.context, kehila, label: 'kehila', profileDir: kehila.profileDir, close: () => kehila.close() };
}

/** The same Chromium, same flags and viewport, without any extension: the baseline. */
export async function launchBaseline(options: { headless: boolean }): Promise<BenchBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'kehila-bench-baseline-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: options.headless,
    viewport: { width: 1200, height: 860 },
    env: { ...process.env, LANGUAGE: 'en', LANG: 'en_US.UTF-8' },
    args: BASE_ARGS,
  });
  await context.addInitScript({ content: PAGE_PROBE });
  return {
    context,
    label: 'baseline',
    profileDir: profile,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Serve generated or corpus pages at their real addresses (old.reddit.com, www.facebook.com,
 * forum.kehila-bench.test …). Anything else a page asks for (the corpus page's images, styles
 * and scripts on reddit's CDN) is answered empty at once, so no network is ever used and both
 * browsers see the same page. Other *.test addresses fall through to lib/cli/browser.ts.
 */
export async function servePages(context: BrowserContext, pages: ReadonlyMap<string, () => string>): Promise<void> {
  await context.route(
    () => true,
    (route) => {
      const url = route.request().url().replace(/#.*$/, '');
      const page = pages.get(url);
      if (page) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page() });
      if (/^https?:\/\/[^/]*\.test\//.test(url)) return route.fallback();
      return route.fulfill({ status: 204, body: '' });
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Page probes

/**
 * Injected before any page script, in both browsers alike: records long tasks (≥ 50 ms, the
 * Long Tasks API), when Kehila marked the page as read (`html[data-kehila-adapter]`), and each
 * time the number of badges on the page changed. It starts watching at DOMContentLoaded, so it
 * costs nothing while the page parses.
 */
export const PAGE_PROBE = `(() => {
  if (window.__bench || location.protocol === 'chrome-extension:') return;
  const bench = (window.__bench = { longTasks: [], badges: [], adapterAt: null });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const watch = () => {
    // Counted from the mutation records themselves (badges are inserted as single nodes), so
    // the probe costs the same little in both browsers whatever the page's size.
    let count = document.getElementsByTagName('kehila-badge').length;
    new MutationObserver((records) => {
      const now = performance.now();
      let delta = 0;
      for (const record of records) {
        if (record.type === 'attributes') {
          if (bench.adapterAt === null) bench.adapterAt = now;
          continue;
        }
        for (const node of record.addedNodes) if (node.localName === 'kehila-badge') delta += 1;
        for (const node of record.removedNodes) if (node.localName === 'kehila-badge') delta -= 1;
      }
      if (delta) {
        count += delta;
        bench.badges.push([now, count]);
      }
    }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-kehila-adapter'] });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch, { once: true });
  else watch();
})();`;

export interface ProbeData {
  longTasks: [start: number, duration: number][];
  badges: [at: number, count: number][];
  adapterAt: number | null;
  domContentLoadedMs: number;
  loadMs: number;
  now: number;
}

export async function readProbe(page: Page): Promise<ProbeData> {
  return page.evaluate(() => {
    const bench = (window as unknown as { __bench: Omit<ProbeData, 'domContentLoadedMs' | 'loadMs' | 'now'> }).__bench;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return {
      ...bench,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? 0,
      loadMs: nav?.loadEventEnd ?? 0,
      now: performance.now(),
    };
  });
}

/** When the page first held at least `count` badges (page clock, ms since navigation start). */
export function badgesReachedAt(probe: ProbeData, count: number): number | undefined {
  return probe.badges.find(([, seen]) => seen >= count)?.[0];
}

export function badgeCount(page: Page): Promise<number> {
  return page.evaluate(() => document.getElementsByTagName('kehila-badge').length);
}

/**
 * Wait until the page holds `count` badges, or until the count has not moved for `quietMs`
 * (twice that while there are none: Kehila may be waiting for the background's answer).
 */
export async function waitForBadges(page: Page, count: number | undefined, options: { timeoutMs: number; quietMs?: number }): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let last = -1;
  let since = Date.now();
  for (;;) {
    const now = await badgeCount(page);
    if (count !== undefined && now >= count) return now;
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (options.quietMs !== undefined && Date.now() - since >= (now > 0 ? options.quietMs : 2 * options.quietMs)) {
      // None at all after twice the quiet time: nothing on screen to badge (posts further down).
      return now;
    }
    if (Date.now() > deadline) return now;
    await page.waitForTimeout(25);
  }
}

// ---------------------------------------------------------------------------------------------
// DevTools protocol metrics

export interface MainThreadMetrics {
  scriptMs: number;
  taskMs: number;
  layoutMs: number;
  styleMs: number;
  heapBytes: number;
}

export async function openCdp(context: BrowserContext, page: Page): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}

/** Main-thread totals of the page's renderer so far, after a full garbage collection. */
export async function mainThreadMetrics(cdp: CDPSession): Promise<MainThreadMetrics> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
  return {
    scriptMs: get('ScriptDuration') * 1000,
    taskMs: get('TaskDuration') * 1000,
    layoutMs: get('LayoutDuration') * 1000,
    styleMs: get('RecalcStyleDuration') * 1000,
    heapBytes: get('JSHeapUsedSize'),
  };
}

export function subtractMetrics(after: MainThreadMetrics, before: MainThreadMetrics): MainThreadMetrics {
  return {
    scriptMs: after.scriptMs - before.scriptMs,
    taskMs: after.taskMs - before.taskMs,
    layoutMs: after.layoutMs - before.layoutMs,
    styleMs: after.styleMs - before.styleMs,
    heapBytes: after.heapBytes - before.heapBytes,
  };
}

// ---------------------------------------------------------------------------------------------
// Traces: what the page's main thread did, and which of its tasks ran Kehila's code

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; scriptName?: string }; beginData?: { url?: string } };
}

export const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'v8'];

export async function startTrace(cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  const onData = ({ value }: { value: object[] }) => events.push(...(value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES }, transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    cdp.off('Tracing.dataCollected', onData);
    return events;
  };
}

interface MainThreadTask {
  ms: number;
  /** A chrome-extension:// script was compiled, evaluated or called inside it. */
  isKehila: boolean;
  /** Direct children by trace event name (FunctionCall, Layout, UpdateLayoutTree, MinorGC …). */
  childrenMs: Map<string, number>;
}

/** Every task of the renderers' main threads (CrRendererMain), with what ran directly inside it. */
function mainThreadTasks(events: readonly TraceEvent[], extensionId: string): MainThreadTask[] {
  const mainThreads = new Set(
    events.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`),
  );
  const prefix = `chrome-extension://${extensionId}/`;
  const isOurs = (event: TraceEvent) => (event.args?.data?.url ?? event.args?.data?.scriptName ?? event.args?.beginData?.url ?? '').startsWith(prefix);
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    if (event.ph !== 'X' || !mainThreads.has(`${event.pid}:${event.tid}`)) continue;
    const key = `${event.pid}:${event.tid}`;
    const list = byThread.get(key);
    if (list) list.push(event);
    else byThread.set(key, [event]);
  }
  const tasks: MainThreadTask[] = [];
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const stack: TraceEvent[] = [];
    let task: MainThreadTask | undefined;
    for (const event of list) {
      const end = (open: TraceEvent) => open.ts + (open.dur ?? 0);
      while (stack.length && end(stack[stack.length - 1]!) <= event.ts) stack.pop();
      if (!stack.length) {
        task = event.name === 'RunTask' ? { ms: (event.dur ?? 0) / 1000, isKehila: false, childrenMs: new Map() } : undefined;
        if (task) tasks.push(task);
      } else if (task) {
        if (stack.length === 1) task.childrenMs.set(event.name, (task.childrenMs.get(event.name) ?? 0) + (event.dur ?? 0) / 1000);
        if (isOurs(event)) task.isKehila = true;
      }
      stack.push(event);
    }
  }
  return tasks;
}

export interface TraceSummary {
  /** Main-thread time by what ran directly in each task (event name → ms), summed over the load. */
  byEventMs: Record<string, number>;
  /** Tasks in which Kehila's scripts ran. */
  extensionTasks: number;
  extensionTaskMs: number;
  longestExtensionTaskMs: number;
  /** What the longest of them spent its time on. */
  longestTaskBreakdownMs: Record<string, number>;
}

function breakdown(task: MainThreadTask): Map<string, number> {
  const result = new Map(task.childrenMs);
  const accounted = [...result.values()].reduce((sum, value) => sum + value, 0);
  result.set('(task itself)', task.ms - accounted);
  return result;
}

function rounded(map: Map<string, number>, minimum = 0.5): Record<string, number> {
  return Object.fromEntries(
    [...map.entries()]
      .filter(([, ms]) => Math.abs(ms) >= minimum)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => [name, round(ms)]),
  );
}

export function summarizeTrace(events: readonly TraceEvent[], extensionId: string): TraceSummary {
  const tasks = mainThreadTasks(events, extensionId);
  const byEvent = new Map<string, number>();
  for (const task of tasks) for (const [name, ms] of breakdown(task)) byEvent.set(name, (byEvent.get(name) ?? 0) + ms);
  const ours = tasks.filter((task) => task.isKehila);
  const longest = ours.reduce<MainThreadTask | undefined>((best, task) => (!best || task.ms > best.ms ? task : best), undefined);
  return {
    byEventMs: rounded(byEvent),
    extensionTasks: ours.length,
    extensionTaskMs: round(ours.reduce((sum, task) => sum + task.ms, 0)),
    longestExtensionTaskMs: round(longest?.ms ?? 0),
    longestTaskBreakdownMs: longest ? rounded(breakdown(longest)) : {},
  };
}

/**
 * Several traced loads as one: each figure is the median over the loads (per event name for
 * `byEventMs`), and the longest task's breakdown is that of the load with the median total.
 */
export function medianTrace(traces: readonly TraceSummary[]): TraceSummary {
  if (traces.length === 0) throw new Error('medianTrace needs at least one trace');
  const names = new Set(traces.flatMap((trace) => Object.keys(trace.byEventMs)));
  const byEventMs = Object.fromEntries([...names].map((name) => [name, round(median(traces.map((trace) => trace.byEventMs[name] ?? 0)))]));
  const byTotal = [...traces].sort((a, b) => a.extensionTaskMs - b.extensionTaskMs);
  return {
    byEventMs,
    extensionTasks: median(traces.map((trace) => trace.extensionTasks)),
    extensionTaskMs: round(median(traces.map((trace) => trace.extensionTaskMs))),
    longestExtensionTaskMs: round(median(traces.map((trace) => trace.longestExtensionTaskMs))),
    longestTaskBreakdownMs: byTotal[Math.floor((byTotal.length - 1) / 2)]!.longestTaskBreakdownMs,
  };
}

/** Where Kehila's main-thread time went: per event name, Kehila's load minus the baseline's. */
export function addedByEvent(kehila: TraceSummary, baseline: TraceSummary, top = 8): Record<string, number> {
  const names = new Set([...Object.keys(kehila.byEventMs), ...Object.keys(baseline.byEventMs)]);
  const added = new Map([...names].map((name) => [name, (kehila.byEventMs[name] ?? 0) - (baseline.byEventMs[name] ?? 0)] as const));
  return Object.fromEntries(
    [...added.entries()]
      .filter(([, ms]) => Math.abs(ms) >= 1)
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, top)
      .map(([name, ms]) => [name, round(ms)]),
  );
}

// ---------------------------------------------------------------------------------------------
// Misc

/** `--profile <dir>`: where CPU profiles go, and the build with source maps that was measured. */
export interface ProfileOptions {
  dir: string;
  extensionDir: string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const MIB = 1024 * 1024;
