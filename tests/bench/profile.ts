/**
 * Profiling for the benchmarks, so a missed target comes with where the time and bytes go
 * rather than a guess:
 * - a copy of the production build with source maps (same minified code), built on demand;
 * - CPU profiles of a page (its content script runs on the page's main thread) and of the
 *   service worker (reached through a page's DevTools session: Playwright opens none for
 *   workers), summarised by original source file and function through the source maps;
 * - bytes of a built file by original source file (what source-map-explorer does).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { EXTENSION_DIR, ROOT } from '@/lib/cli/browser';
import { BENCH_CACHE, log, round } from './harness';

let profilingBuild: Promise<string> | undefined;

/**
 * `wxt build` with source maps on, into node_modules/.cache/kehila-bench/build (a fixed path,
 * so the unpacked extension keeps one id from run to run): the same minified code as
 * `.output/chrome-mv3` plus a `.map` per file. Built once per run.
 */
export function buildWithSourceMaps(): Promise<string> {
  profilingBuild ??= (async () => {
    const outDir = path.join(BENCH_CACHE, 'build');
    rmSync(outDir, { recursive: true, force: true });
    log(`building a copy with source maps in ${outDir}…`);
    const { build } = await import('wxt');
    // stdout carries only the JSON lines: the build's report goes to stderr.
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    try {
      await build({ root: ROOT, outDir, vite: () => ({ build: { sourcemap: true } }) });
    } finally {
      process.stdout.write = write;
    }
    return path.join(outDir, 'chrome-mv3');
  })();
  return profilingBuild;
}

/**
 * Scripts of the build with source maps whose code differs from the shipped build's (the
 * trailing sourceMappingURL comment aside): the background and every content script.
 */
export function differencesFromShipped(mapped: string): string[] {
  const strip = (file: string) => readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '');
  const scripts = ['background.js', ...(existsSync(path.join(EXTENSION_DIR, 'content-scripts')) ? readdirSync(path.join(EXTENSION_DIR, 'content-scripts')).map((name) => `content-scripts/${name}`) : [])];
  return scripts.filter((file) => file.endsWith('.js') && (!existsSync(path.join(mapped, file)) || strip(path.join(EXTENSION_DIR, file)) !== strip(path.join(mapped, file))));
}

// ---------------------------------------------------------------------------------------------
// Source maps

interface RawSourceMap {
  sources: string[];
  mappings: string;
}

/** Where in the sources a built position came from; 'node_modules/zod/…' trimmed to the package. */
export function sourceLabel(source: string | undefined, mapDir: string): string {
  if (!source) return '(unmapped)';
  const absolute = path.resolve(mapDir, source.replace(/^file:\/\//, ''));
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(absolute.slice(ROOT.length));
  if (absolute.startsWith(`${ROOT}/`) && modules && !absolute.includes('/.cache/')) return `npm:${modules[1]}`;
  return absolute.startsWith(`${ROOT}/`) ? path.relative(ROOT, absolute) : source;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decode source map "mappings": per generated line, [column, source index | -1] segments. */
function decodeMappings(mappings: string): [number, number][][] {
  const lines: [number, number][][] = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments: [number, number][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0] ?? 0;
      if (values.length >= 4) source += values[1]!;
      segments.push([column, values.length >= 4 ? source : -1]);
    }
    lines.push(segments);
  }
  return lines;
}

/** Bytes of a built file by original source (package or project file), largest first. */
export function bytesBySource(file: string): { source: string; bytes: number }[] {
  const code = readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as RawSourceMap;
  const lines = code.split('\n');
  const mapped = decodeMappings(map.mappings);
  const totals = new Map<string, number>();
  const add = (label: string, bytes: number) => totals.set(label, (totals.get(label) ?? 0) + bytes);
  lines.forEach((text, index) => {
    const segments = mapped[index] ?? [];
    const length = Buffer.byteLength(text) + 1;
    if (!segments.length) return add('(unmapped)', length);
    // Code before a line's first mapping belongs to the bundler's glue.
    if (segments[0]![0] > 0) add('(unmapped)', Buffer.byteLength(text.slice(0, segments[0]![0])));
    segments.forEach(([column, source], at) => {
      const end = segments[at + 1]?.[0] ?? text.length;
      const bytes = Buffer.byteLength(text.slice(column, end)) + (at === segments.length - 1 ? 1 : 0);
      add(source >= 0 ? sourceLabel(map.sources[source], path.dirname(file)) : '(unmapped)', bytes);
    });
  });
  return [...totals.entries()].map(([source, bytes]) => ({ source, bytes })).sort((a, b) => b.bytes - a.bytes);
}

class SourceMaps {
  private readonly maps = new Map<string, SourceMap | null>();
  constructor(private readonly extensionDir: string) {}

  /** Original source, line and name for a position in a chrome-extension:// script. */
  locate(url: string, line: number, column: number): { source: string; line: number; name?: string } | undefined {
    const match = /^chrome-extension:\/\/[^/]+\/(.+)$/.exec(url);
    if (!match) return undefined;
    const file = path.join(this.extensionDir, match[1]!);
    if (!this.maps.has(file)) this.maps.set(file, existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null);
    const entry = this.maps.get(file)?.findEntry(line, column) as { originalSource?: string; originalLine?: number; name?: string } | undefined;
    if (!entry?.originalSource) return undefined;
    const source = sourceLabel(entry.originalSource, path.dirname(file));
    return { source, line: (entry.originalLine ?? 0) + 1, name: entry.name };
  }
}

// ---------------------------------------------------------------------------------------------
// CPU profiles

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Sampled time in Kehila's scripts (self time of their functions, including DOM calls they make). */
  kehilaMs: number;
  /** Everything else sampled: the page's own scripts, GC, "(program)" (rendering, parsing, IPC). */
  otherMs: Record<string, number>;
  bySource: { source: string; selfMs: number }[];
  byFunction: { fn: string; selfMs: number }[];
}

/** Self time by original source and function, through the source maps. */
export function summarizeProfile(profile: CpuProfile, extensionDir: string): ProfileSummary {
  const maps = new SourceMaps(extensionDir);
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the gap to the next sample.
  for (let i = 0; i < samples.length; i += 1) {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    selfMs.set(samples[i]!, (selfMs.get(samples[i]!) ?? 0) + ms);
  }
  const bySource = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const other = new Map<string, number>();
  let kehilaMs = 0;
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (!ms) continue;
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    if (url.startsWith('chrome-extension://')) {
      kehilaMs += ms;
      const where = maps.locate(url, lineNumber, columnNumber);
      const source = where?.source ?? url.replace(/^chrome-extension:\/\/[^/]+\//, '');
      bySource.set(source, (bySource.get(source) ?? 0) + ms);
      const fn = `${where?.name ?? functionName ?? '(anonymous)'} ${source}:${where?.line ?? lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    } else {
      const label = url ? 'page scripts' : functionName || '(native)';
      other.set(label, (other.get(label) ?? 0) + ms);
    }
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, ms]) => [key, round(ms)] as const);
  return {
    kehilaMs: round(kehilaMs),
    otherMs: Object.fromEntries(top(other, 8)),
    bySource: top(bySource, 12).map(([source, ms]) => ({ source, selfMs: ms })),
    byFunction: top(byFunction, 15).map(([fn, ms]) => ({ fn, selfMs: ms })),
  };
}

/** A CPU profile of a page (all its worlds: the site's scripts and Kehila's content script). */
export async function profilePage<T>(context: BrowserContext, page: Page, during: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const result = await during();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  return { result, profile: profile as unknown as CpuProfile };
}

/**
 * A DevTools session to Kehila's service worker, tunnelled through a page's session
 * (Target.attachToTarget without flatten, then sendMessageToTarget).
 */
export async function workerSession(context: BrowserContext, page: Page): Promise<{ call<R>(method: string, params?: object): Promise<R>; close(): Promise<void> }> {
  const cdp: CDPSession = await context.newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find((target) => target.type === 'service_worker' && target.url.startsWith('chrome-extension://'));
  if (!worker) throw new Error('No Kehila service worker target');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
  let next = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  return {
    call<R>(method: string, params: object = {}) {
      next += 1;
      const id = next;
      return new Promise<R>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
      });
    },
    async close() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      await cdp.detach().catch(() => undefined);
    },
  };
}

/** A CPU profile of the service worker while `during` runs. */
export async function profileWorker<T>(context: BrowserContext, page: Page, during: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const worker = await workerSession(context, page);
  try {
    await worker.call('Profiler.enable');
    await worker.call('Profiler.setSamplingInterval', { interval: 100 });
    await worker.call('Profiler.start');
    const result = await during();
    const { profile } = await worker.call<{ profile: CpuProfile }>('Profiler.stop');
    return { result, profile };
  } finally {
    await worker.close();
  }
}

/** Write a profile and its summary under `dir`, and log the summary's head. */
export function saveProfile(dir: string, name: string, profile: CpuProfile, extensionDir: string): ProfileSummary {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  const summary = summarizeProfile(profile, extensionDir);
  writeFileSync(path.join(dir, `${name}.summary.json`), JSON.stringify(summary, null, 2));
  log(`profile ${name}: Kehila ${summary.kehilaMs} ms; others ${JSON.stringify(summary.otherMs)}`);
  for (const { source, selfMs } of summary.bySource.slice(0, 8)) log(`  ${String(selfMs).padStart(8)} ms  ${source}`);
  for (const { fn, selfMs } of summary.byFunction.slice(0, 10)) log(`  ${String(selfMs).padStart(8)} ms  ${fn}`);
  return summary;
}
