/**
 * Scenario 2, "infinite scroll": a Facebook group feed grows by 50 posts and comments at a
 * time, 20 times, as it does while a manager scrolls: the manager reaches the end of the feed
 * and the site appends the next 50 below it. For each append: time until every appended post
 * within a screen of the viewport has its badge (Kehila draws badges there; the rest get theirs
 * as they scroll in, which scenario 1 checks), the long tasks after it, and the main-thread time
 * it cost, in Kehila's browser and (for the costs) in the baseline browser doing the same.
 * Its baseline: when the page itself first painted the appended posts (the Element Timing API),
 * in both browsers, so the badges' time reads against the page's own, and a Kehila that made
 * the page slower to show what it appended would show here.
 */
import { FACEBOOK_GROUP_ID, facebookFeedUnits, facebookGroupFeed } from './facebook-feed';
import {
  log,
  median,
  openCdp,
  percentile,
  ratio,
  readProbe,
  round,
  type BenchBrowser,
  type BenchResult,
  type ProfileOptions,
  waitForBadges,
} from './harness';
import { profilePage, profileWorker, saveProfile } from './profile';

export const SCENARIO = '2-infinite-scroll';
const TARGET = 'p95 from append to badges < 100 ms';
const P95_TARGET_MS = 100;
const APPENDS = 20;
const ITEMS_PER_APPEND = 50;
const INITIAL_ITEMS = 50;
/** Quiet time after each append (and after its badges) before its cost is read. */
const SETTLE_MS = 400;
/** An append whose posts in reach have no badges by then counts as never badged. */
const REACH_TIMEOUT_MS = 10_000;

/** The feed page the scroll starts from (its own address, so it is not scenario 1's page). */
export const SCROLL_URL = `https://www.facebook.com/groups/${FACEBOOK_GROUP_ID}/?sorting_setting=CHRONOLOGICAL`;

export function scrollPage(): { url: string; html: () => string } {
  const feed = facebookGroupFeed(INITIAL_ITEMS, 21);
  return { url: SCROLL_URL, html: () => feed.html };
}

export interface AppendSample {
  /** Appended posts and comments within a screen of the viewport. */
  inReach: number;
  /** From the append until its posts in reach had badges (Kehila only; undefined: they never did). */
  badgesMs?: number;
  /** From the append until the page first painted the appended posts (undefined: no paint seen). */
  shownMs?: number;
  longestTaskMs: number;
  mainThreadMs: number;
  scriptMs: number;
}

async function scrollSequence(browser: BenchBrowser, sequence: number, profile?: ProfileOptions): Promise<AppendSample[]> {
  const page = await browser.context.newPage();
  if (profile) {
    // One more Kehila sequence, CPU-profiled in the page and the service worker, not counted.
    try {
      const worker = await profileWorker(browser.context, page, () => profilePage(browser.context, page, () => appendAll(browser, page, sequence)));
      saveProfile(profile.dir, 'scroll-page', worker.result.profile, profile.extensionDir);
      saveProfile(profile.dir, 'scroll-worker', worker.profile, profile.extensionDir);
      return worker.result.result;
    } finally {
      await page.close();
    }
  }
  try {
    return await appendAll(browser, page, sequence);
  } finally {
    await page.close();
  }
}

async function appendAll(browser: BenchBrowser, page: import('playwright-core').Page, sequence: number): Promise<AppendSample[]> {
  const cdp = await openCdp(browser.context, page);
  const metrics = async () => {
    const { metrics: list } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => (list.find((metric) => metric.name === name)?.value ?? 0) * 1000;
    return { task: get('TaskDuration'), script: get('ScriptDuration') };
  };
  await page.goto(SCROLL_URL, { waitUntil: 'load' });
  await page.evaluate(SHOWN_PROBE);
  const isKehila = browser.label === 'kehila';
  if (isKehila) await page.evaluate(REACH_PROBE);
  // The first screenful has its badges (the rest of the 50 get theirs as they come into reach).
  if (isKehila) await waitForBadges(page, undefined, { timeoutMs: 20_000, quietMs: 1000 });
  await page.waitForTimeout(SETTLE_MS * 2);

  const samples: AppendSample[] = [];
  for (let append = 0; append < APPENDS; append += 1) {
    const chunk = facebookFeedUnits({ items: ITEMS_PER_APPEND, firstPosition: 100_000 + sequence * 10_000 + append * 100, seed: 1000 + append });
    // The manager has reached the end of the feed; the site appends the next chunk below it.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(50);
    const before = await metrics();
    const { appendedAt, inReach } = await page.evaluate(
      ({ html, shownAs, watch }) => {
        const at = performance.now();
        const feed = document.querySelector('[role="feed"]')!;
        const last = feed.lastElementChild;
        feed.insertAdjacentHTML('beforeend', html);
        // The appended posts and comments within a screen of the viewport (Kehila's drawing margin).
        const added: Element[] = [];
        for (let unit = last ? last.nextElementSibling : feed.firstElementChild; unit; unit = unit.nextElementSibling) {
          added.push(...unit.querySelectorAll('[role="article"]'));
        }
        const height = window.innerHeight;
        const reach = added.filter((article) => {
          const box = article.getBoundingClientRect();
          return box.bottom >= -height && box.top <= 2 * height;
        });
        // Watched from this very task, so no badge can come before the watch does.
        if (watch) (window as unknown as { __watchReach: (reach: Element[]) => void }).__watchReach(reach);
        // The text of those posts, so the page reports when it first painted them.
        for (const article of reach) {
          for (const block of article.querySelectorAll('h3, div[dir="auto"]')) block.setAttribute('elementtiming', shownAs);
        }
        return { appendedAt: at, inReach: reach.length };
      },
      { html: chunk.html, shownAs: `append-${append}`, watch: isKehila },
    );
    const badgesAt = isKehila ? await reachBadgedAt(page) : undefined;
    let probe = await readProbe(page);
    const quietFrom = Math.max(appendedAt, badgesAt ?? 0) + SETTLE_MS;
    if (probe.now < quietFrom) await page.waitForTimeout(quietFrom - probe.now);
    const after = await metrics();
    probe = await readProbe(page);
    const shownAt = await page.evaluate((id) => (window as unknown as { __shown: Record<string, number> }).__shown[id], `append-${append}`);
    samples.push({
      inReach,
      badgesMs: badgesAt === undefined ? undefined : badgesAt - appendedAt,
      shownMs: shownAt === undefined ? undefined : shownAt - appendedAt,
      // Tasks that started after the append's own task (which parses the new markup, as the site would).
      longestTaskMs: Math.max(0, ...probe.longTasks.filter(([start]) => start > appendedAt).map(([, duration]) => duration)),
      mainThreadMs: after.task - before.task,
      scriptMs: after.script - before.script,
    });
  }
  return samples;
}

/**
 * Records, for each Element Timing identifier, when the page first painted an element carrying
 * it (the paint's presentation time, page clock). Installed in both browsers alike.
 */
const SHOWN_PROBE = `(() => {
  const shown = (window.__shown = {});
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const at = entry.renderTime || entry.startTime;
      if (!(entry.identifier in shown) || at < shown[entry.identifier]) shown[entry.identifier] = at;
    }
  }).observe({ type: 'element' });
})()`;

/**
 * Defines `__watchReach(reach)`: from the call on, every DOM change is checked for whether each
 * post in `reach` holds its own badge; `__reachBadged` then resolves to when that first held
 * (page clock), or to undefined after REACH_TIMEOUT_MS. (A string, not a function: tsx would
 * wrap the named helpers in a __name() the page lacks.)
 */
const REACH_PROBE = `(() => {
  const ownBadge = (article) => [...article.querySelectorAll('kehila-badge')].some((badge) => badge.closest('[role="article"]') === article);
  window.__watchReach = (reach) => {
    window.__reachBadged = new Promise((resolve) => {
      if (reach.every(ownBadge)) return resolve(performance.now());
      const timer = setTimeout(() => {
        observer.disconnect();
        resolve(undefined);
      }, ${REACH_TIMEOUT_MS});
      const observer = new MutationObserver((records) => {
        if (!records.some((record) => [...record.addedNodes].some((node) => node.nodeName === 'KEHILA-BADGE'))) return;
        if (!reach.every(ownBadge)) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now());
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  };
})()`;

/** When every appended post in reach first held its own badge (see REACH_PROBE). */
function reachBadgedAt(page: import('playwright-core').Page): Promise<number | undefined> {
  return page.evaluate(() => (window as unknown as { __reachBadged: Promise<number | undefined> }).__reachBadged);
}

export async function scrollScenario(kehila: BenchBrowser, baseline: BenchBrowser, runs: number, profile?: ProfileOptions): Promise<BenchResult> {
  const sequences = runs >= 2 ? 2 : 1;
  const samples: Record<'kehila' | 'baseline', AppendSample[]> = { kehila: [], baseline: [] };
  for (let sequence = 0; sequence < sequences; sequence += 1) {
    const order = sequence % 2 === 0 ? [kehila, baseline] : [baseline, kehila];
    for (const browser of order) {
      samples[browser.label].push(...(await scrollSequence(browser, sequence)));
      log(`${SCENARIO}: ${browser.label} sequence ${sequence + 1}/${sequences}`);
    }
  }
  if (profile) await scrollSequence(kehila, sequences, profile);
  return scrollFigures(samples);
}

/**
 * The scenario's line from each browser's appends. An append whose badges never came counts as
 * infinitely slow; one whose paint was not seen is left out of the paint figures and counted.
 */
export function scrollFigures(samples: Record<'kehila' | 'baseline', readonly AppendSample[]>): BenchResult {
  const badges = samples.kehila.map((sample) => sample.badgesMs ?? Number.POSITIVE_INFINITY);
  const task = (label: 'kehila' | 'baseline') => median(samples[label].map((sample) => sample.mainThreadMs));
  const script = (label: 'kehila' | 'baseline') => median(samples[label].map((sample) => sample.scriptMs));
  const longest = (label: 'kehila' | 'baseline') => Math.max(...samples[label].map((sample) => sample.longestTaskMs));
  const paints = (label: 'kehila' | 'baseline') => samples[label].flatMap((sample) => (sample.shownMs === undefined ? [] : [sample.shownMs]));
  const shown = { kehila: paints('kehila'), baseline: paints('baseline') };
  // How long after the page showed an append its badges came, append by append.
  const badgesAfterShown = samples.kehila.flatMap((sample) =>
    sample.shownMs === undefined ? [] : [(sample.badgesMs ?? Number.POSITIVE_INFINITY) - sample.shownMs],
  );
  const p95 = percentile(badges, 95);
  return {
    scenario: SCENARIO,
    appends: samples.kehila.length,
    postsPerAppend: ITEMS_PER_APPEND,
    postsInReachPerAppend: round(median(samples.kehila.map((sample) => sample.inReach))),
    medianMs: round(median(badges)),
    p95Ms: round(p95),
    maxMs: round(Math.max(...badges)),
    medianRatio: ratio(median(badges), median(shown.baseline)),
    postsShownMedianMs: round(median(shown.kehila)),
    postsShownP95Ms: round(percentile(shown.kehila, 95)),
    baselinePostsShownMedianMs: round(median(shown.baseline)),
    baselinePostsShownP95Ms: round(percentile(shown.baseline, 95)),
    postsShownRatio: ratio(median(shown.kehila), median(shown.baseline)),
    badgesAfterPostsShownMedianMs: round(median(badgesAfterShown)),
    appendsNotSeenPainted: samples.kehila.length + samples.baseline.length - shown.kehila.length - shown.baseline.length,
    addedMainThreadMsPerAppend: round(task('kehila') - task('baseline')),
    mainThreadRatio: ratio(task('kehila'), task('baseline')),
    baselineMainThreadMsPerAppend: round(task('baseline')),
    addedScriptMsPerAppend: round(script('kehila') - script('baseline')),
    longestTaskMs: round(longest('kehila')),
    baselineLongestTaskMs: round(longest('baseline')),
    target: TARGET,
    met: p95 < P95_TARGET_MS,
  };
}
