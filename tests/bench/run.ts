/**
 * `npm run bench`: Kehila's benchmark suite in Chromium with the built extension (issue 4).
 * Prints one JSON object per line on stdout per scenario (per page for scenario 1), logs on
 * stderr; `--out <file>` also writes the lines there. Every timing is taken against a baseline
 * in the same run. Benchmarks report; they never fail the build on a missed target.
 *
 *   tsx tests/bench/run.ts [--only <scenario>[,<scenario>…]] [--runs N] [--scale F] [--out file] [--headed] [--profile dir]
 *
 * Scenarios: annotate, scroll, lookup, ingest, popup, bundle (or their numbers 1–6).
 * --runs: alternating runs per page (default 7). --scale: shrink the fixtures and the database
 * (0 < F ≤ 1; default 1, the numbers). --profile: measure a copy of the build with
 * source maps, and add one CPU-profiled pass per scenario (page and service worker), written
 * to <dir> as .cpuprofile files and summaries by source file and function (also on stderr).
 * --fresh-seed: rebuild the seeded database even when the cached one still fits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { acquireDisplay, hasCommand, trackSite, type Display } from '@/lib/cli/browser';
import { annotatePage, benchPages, SCENARIO as ANNOTATE, TARGET as ANNOTATE_TARGET } from './annotate';
import { bundleScenario } from './bundle';
import { DbBench } from './db';
import { FORUM_ORIGIN } from './forum-thread';
import { launchBaseline, launchWithKehila, log, servePages, skipped, type BenchBrowser, type BenchResult, type ProfileOptions } from './harness';
import { buildWithSourceMaps, differencesFromShipped } from './profile';
import { scrollPage, scrollScenario } from './scroll';

const SCENARIOS = ['annotate', 'scroll', 'lookup', 'ingest', 'popup', 'bundle'] as const;
type Scenario = (typeof SCENARIOS)[number];

function parse(): { only: Set<Scenario>; runs: number; scale: number; out?: string; headed: boolean; profileDir?: string; freshSeed: boolean } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '7' },
      scale: { type: 'string', default: '1' },
      out: { type: 'string' },
      headed: { type: 'boolean', default: false },
      profile: { type: 'string' },
      'fresh-seed': { type: 'boolean', default: false },
    },
  });
  const only = new Set<Scenario>();
  for (const name of (values.only ?? SCENARIOS.join(',')).split(',').map((item) => item.trim()).filter(Boolean)) {
    const scenario = /^\d$/.test(name) ? SCENARIOS[Number(name) - 1] : SCENARIOS.find((known) => known === name || name.endsWith(`-${known}`) || name.startsWith(known));
    if (!scenario) throw new Error(`Unknown scenario "${name}"; known: ${SCENARIOS.join(', ')}`);
    only.add(scenario);
  }
  const runs = Number(values.runs);
  const scale = Number(values.scale);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1');
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale takes a number in (0, 1]');
  return { only, runs, scale, out: values.out, headed: values.headed, profileDir: values.profile && path.resolve(values.profile), freshSeed: values['fresh-seed'] };
}

const options = parse();
const results: BenchResult[] = [];
function emit(result: BenchResult): void {
  results.push(result);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (options.out) writeFileSync(options.out, results.map((line) => JSON.stringify(line)).join('\n') + '\n');
}

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanup(): Promise<void> {
  for (const step of cleanups.reverse()) await Promise.resolve(step()).catch((error) => log(`cleanup: ${String(error)}`));
  cleanups.length = 0;
}

/**
 * Kehila's browser for the page scenarios, with the bench forum tracked. Tracking needs the
 * browser's own permission prompt, which only a display can show: it is answered once on a
 * virtual display, and the profile, with its persisted permission and registered content
 * script, is then reopened headless.
 */
async function pageBrowsers(needsForum: boolean, extensionDir: string | undefined): Promise<{ kehila: BenchBrowser; baseline: BenchBrowser; forumTracked: boolean | string }> {
  const headless = !options.headed;
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'kehila-bench-pages-'));
  cleanups.push(() => rmSync(profileDir, { recursive: true, force: true }));
  let forumTracked: boolean | string = false;
  if (needsForum) {
    let display: Display | undefined;
    try {
      display = await acquireDisplay();
      if (display.headless || !hasCommand('xdotool')) throw new Error('no display or no xdotool to answer the permission prompt');
      const setup = await launchWithKehila({ headless: false, profileDir, extensionDir });
      try {
        await trackSite(setup.kehila!, `${FORUM_ORIGIN}/`);
        forumTracked = true;
      } finally {
        await setup.close();
      }
    } catch (error) {
      forumTracked = `could not track the bench forum: ${(error as Error).message}`;
      log(forumTracked);
    } finally {
      display?.stop();
    }
  }
  const display = headless ? undefined : await acquireDisplay();
  if (display) cleanups.push(() => display.stop());
  const kehila = await launchWithKehila({ headless: display?.headless ?? headless, profileDir, extensionDir });
  cleanups.push(() => kehila.close());
  const baseline = await launchBaseline({ headless: display?.headless ?? headless });
  cleanups.push(() => baseline.close());
  return { kehila, baseline, forumTracked };
}

async function main(): Promise<void> {
  const { only, runs, scale } = options;
  log(`scenarios: ${[...only].join(', ')}; runs ${runs}; scale ${scale}; ${options.headed ? 'headed' : 'headless'}`);
  const started = Date.now();
  // Kehila runs from a copy of the build with source maps (the same minified code as
  // .output/chrome-mv3, at a fixed path, so profiles can name source files and the cached
  // database keeps the extension's id).
  const extensionDir = await buildWithSourceMaps();
  const differing = differencesFromShipped(extensionDir);
  if (differing.length) log(`warning: ${differing.join(', ')} differ from .output/chrome-mv3 (sources changed between the two builds?)`);
  const profile: ProfileOptions | undefined = options.profileDir ? { dir: options.profileDir, extensionDir } : undefined;

  if (only.has('annotate') || only.has('scroll')) {
    const pages = benchPages(scale);
    const needsForum = only.has('annotate') && pages.some((page) => page.needsTracking && !page.unavailable);
    const { kehila, baseline, forumTracked } = await pageBrowsers(needsForum, extensionDir);
    const served = new Map(pages.filter((page) => !page.unavailable).map((page) => [page.url, page.html]));
    const scroll = scrollPage();
    served.set(scroll.url, scroll.html);
    for (const browser of [kehila, baseline]) await servePages(browser.context, served);
    if (only.has('annotate')) {
      for (const page of pages) {
        if (page.needsTracking && forumTracked !== true) {
          emit({ ...skipped(ANNOTATE, ANNOTATE_TARGET, String(forumTracked)), page: page.id });
          continue;
        }
        emit(await annotatePage(kehila, baseline, page, runs, profile));
      }
    }
    if (only.has('scroll')) emit(await scrollScenario(kehila, baseline, runs, profile));
    await cleanup();
  }

  if (only.has('lookup') || only.has('ingest') || only.has('popup')) {
    const db = await DbBench.start({ headless: !options.headed, scale, extensionDir, profile, freshSeed: options.freshSeed });
    cleanups.push(() => db.close());
    if (only.has('lookup')) emit(await db.lookupScenario());
    // The popup first: ingest adds a community to the empty database.
    if (only.has('popup')) emit(await db.popupScenario(runs));
    if (only.has('ingest')) emit(await db.ingestScenario());
    await cleanup();
  }

  if (only.has('bundle')) emit(await bundleScenario());
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
}

main()
  .catch((error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
