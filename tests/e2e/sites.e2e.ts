/**
 * Facebook, Reddit and XenForo in the real extension: pages served under the sites' own host
 * names from the adapters' fixtures. What the browser shows is compared with what the same
 * adapter extracts from the same file in Node, so the two can never drift apart silently.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAdapter } from '@/lib/adapters';
import { extractPage } from '@/lib/adapters/extract';
import { parsePage } from '@/lib/cli/load-page';
import { acquireDisplay, launchKehila, openPopup, trackSite, type Display, type KehilaBrowser } from '@/lib/cli/browser';

const FIXTURES = path.resolve(import.meta.dirname, '../adapters');
const fixture = (file: string) => path.join(FIXTURES, file);

const URLS = {
  fbGroup: 'https://www.facebook.com/groups/kehilatesters/',
  oldReddit: 'https://old.reddit.com/r/Kehila_Test/comments/abc123/how_do_you_onboard_new_members/',
  shreddit: 'https://www.reddit.com/r/Kehila_Test/comments/ghi789/welcome_thread/',
  xenforo: 'https://forum.xf-demo.test/threads/inverter-keeps-tripping.4412/',
};

/** Member ids the adapter finds in the fixture, in Node (jsdom), sorted. */
function expectedMembers(file: string, url: string): string[] {
  const page = parsePage(readFileSync(fixture(file), 'utf8'), url);
  try {
    const adapter = detectAdapter(page.doc, page.url);
    if (!adapter) throw new Error(`no adapter for ${file}`);
    const result = extractPage(adapter, page.doc, page.url, new Date())!;
    return result.posts.map((post) => post.author.id).sort();
  } finally {
    page.close();
  }
}

/** What the English Comet fixture says the feed appends later (its <template> elements). */
function template(id: string): string {
  const html = readFileSync(fixture('facebook/comet-group-feed-en.html'), 'utf8');
  const match = new RegExp(`<template id="${id}">([\\s\\S]*?)</template>`).exec(html);
  if (!match?.[1]) throw new Error(`the fixture has no template#${id}`);
  return match[1];
}

async function badgeMembers(page: Page): Promise<string[]> {
  return (await page.locator('kehila-badge').evaluateAll((hosts) => hosts.map((host) => host.getAttribute('data-kehila-member')!))).sort();
}

/**
 * Scroll the page from top to bottom a screen at a time, a frame per screen: Kehila draws badges
 * only within a screen of the viewport, so this is how a manager gets every one drawn.
 */
async function scrollThrough(page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    }
  });
}

/**
 * The height of every line that holds a badge, and of the page, with the badges shown and with
 * them hidden: a badge must never make a line taller (drawing one would move everything below).
 */
async function heightsWithAndWithoutBadges(page: Page): Promise<{ shown: number[]; hidden: number[] }> {
  return page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const measure = () => [
      document.documentElement.scrollHeight,
      ...Array.from(document.querySelectorAll('kehila-badge'), (host) => host.parentElement!.getBoundingClientRect().height),
    ];
    const shown = measure();
    const style = document.createElement('style');
    style.textContent = 'kehila-badge { display: none !important; }';
    document.head.append(style);
    await frame();
    const hidden = measure();
    style.remove();
    return { shown, hidden };
  });
}

async function settle(page: Page, count: number): Promise<void> {
  await expect
    .poll(
      async () => {
        await scrollThrough(page);
        return page.locator('kehila-badge').count();
      },
      { timeout: 15_000 },
    )
    .toBe(count);
  // Each badge has its summary (posts seen ≥ 1): the background answered.
  await expect.poll(() => page.locator('kehila-badge').evaluateAll((hosts) => hosts.every((host) => Number(host.shadowRoot?.querySelector('button')?.dataset.posts) >= 1))).toBe(true);
}

describe.each([
  ['en', 'facebook/comet-group-feed-en.html'],
  ['he', 'facebook/comet-group-feed-he.html'],
])('Facebook group feed, %s UI', (language, file) => {
  let display: Display;
  let kehila: KehilaBrowser;

  beforeAll(async () => {
    display = await acquireDisplay();
    kehila = await launchKehila({ headless: display.headless, language, routes: { [URLS.fbGroup]: fixture(file) } });
  });
  afterAll(async () => {
    await kehila?.close();
    display?.stop();
  });

  it('badges every post and comment author, as the adapter reads them', async () => {
    const expected = expectedMembers(file, URLS.fbGroup);
    expect(expected.length).toBeGreaterThan(5);
    // Both UIs are one group with the same people.
    expect(new Set(expected)).toEqual(new Set(expectedMembers('facebook/comet-group-feed-en.html', URLS.fbGroup)));
    const page = await kehila.context.newPage();
    // Every window message the page's own scripts could hear (the fixture posts none itself).
    await page.addInitScript(() => {
      const heard: string[] = [];
      Object.assign(window, { kehilaTestHeard: heard });
      window.addEventListener('message', (event) => heard.push(JSON.stringify(event.data)));
    });
    await page.goto(URLS.fbGroup);
    await settle(page, expected.length);
    expect(await badgeMembers(page)).toEqual(expected);
    expect(await page.getAttribute('html', 'data-kehila-adapter')).toBe('facebook');
    // The site hears nothing from Kehila: WXT's start message for older scripts is off (QUIET_START).
    expect(await page.evaluate(() => (window as unknown as { kehilaTestHeard: string[] }).kehilaTestHeard)).toEqual([]);
    const { shown, hidden } = await heightsWithAndWithoutBadges(page);
    expect(shown.length).toBe(expected.length + 1);
    expect(shown).toEqual(hidden);
    await page.close();
  });

  it('badges 50 posts appended by infinite scroll, and a reply added inside a comment thread', async () => {
    const expected = expectedMembers(file, URLS.fbGroup);
    const page = await kehila.context.newPage();
    await page.goto(URLS.fbGroup);
    await settle(page, expected.length);

    // The feed appends 50 more units (post + comment each), with fresh ids, the way Comet does.
    await page.evaluate((unit) => {
      const feed = document.querySelector('[role="feed"]')!;
      for (let i = 0; i < 50; i += 1) {
        const html = unit
          .replaceAll('700000000000004', String(710000000000000 + i))
          .replaceAll('800000000000041', String(810000000000000 + i))
          .replaceAll('100003333333333', String(100009000000000 + i))
          .replace('aria-posinset="4"', `aria-posinset="${5 + i}"`);
        feed.insertAdjacentHTML('beforeend', html);
      }
    }, template('appended-unit'));
    await settle(page, expected.length + 100);

    // A reply arrives inside an existing comment thread.
    await page.evaluate((comment) => {
      const list = document.querySelector('[role="feed"] [role="article"] ul')!;
      list.insertAdjacentHTML('beforeend', comment);
    }, template('appended-comment'));
    await settle(page, expected.length + 101);
    expect(await badgeMembers(page)).toContain('facebook:100005555555555');

    // A re-render of a post's header keeps exactly one badge on it.
    await page.evaluate(() => {
      const header = document.querySelector('[role="feed"] [role="article"] h3')!;
      header.replaceWith(header.cloneNode(true));
    });
    await page.waitForTimeout(500);
    const perHeader = await page.locator('[role="feed"] [role="article"] h3').first().evaluate((h3) => h3.querySelectorAll('kehila-badge').length);
    expect(perHeader).toBe(1);
    await settle(page, expected.length + 101);
    await page.close();
  });

  it('re-targets the community when the app navigates to another group', async () => {
    const page = await kehila.context.newPage();
    await page.goto(URLS.fbGroup);
    await settle(page, expectedMembers(file, URLS.fbGroup).length);
    // In-app navigation: the address changes without a load and the feed is replaced; the
    // head still describes the first group, as Facebook leaves it.
    await page.evaluate((unit) => {
      history.pushState({}, '', '/groups/otherteam/');
      const feed = document.querySelector('[role="feed"]')!;
      feed.replaceChildren();
      feed.insertAdjacentHTML('beforeend', unit.replaceAll('555000111222333', '999000111222333'));
    }, template('appended-unit'));
    await settle(page, 2);
    const popup = await openPopup(kehila);
    // The new group's numeric id comes from its members' links, not from the stale head.
    const row = popup.locator('tr[data-community="facebook:group:999000111222333"] [data-field="posts"]');
    await expect.poll(async () => ((await row.count()) ? row.textContent() : null)).toBe('2');
    expect(await popup.locator('tr[data-community="facebook:group:555000111222333"]').count()).toBe(1);
    await popup.close();
    await page.close();
  });
});

describe('Reddit and XenForo', () => {
  let display: Display;
  let kehila: KehilaBrowser;

  beforeAll(async () => {
    display = await acquireDisplay();
    kehila = await launchKehila({
      headless: display.headless,
      routes: {
        [URLS.oldReddit]: fixture('reddit/old-thread.html'),
        [URLS.shreddit]: fixture('reddit/shreddit-thread.html'),
        [URLS.xenforo]: fixture('xenforo/xf2-thread.html'),
      },
    });
  });
  afterAll(async () => {
    await kehila?.close();
    display?.stop();
  });

  it.each([
    ['old reddit', URLS.oldReddit, 'reddit/old-thread.html'],
    ['new reddit (shreddit)', URLS.shreddit, 'reddit/shreddit-thread.html'],
  ])('%s: a badge per author, deleted authors left alone', async (_name, url, file) => {
    const expected = expectedMembers(file, url);
    const page = await kehila.context.newPage();
    await page.goto(url);
    await settle(page, expected.length);
    expect(await badgeMembers(page)).toEqual(expected);
    expect(expected.some((id) => id.includes('[deleted]'))).toBe(false);
    const { shown, hidden } = await heightsWithAndWithoutBadges(page);
    expect(shown).toEqual(hidden);
    await page.close();
  });

  it('XenForo thread on its own domain, once tracked', async () => {
    await trackSite(kehila, URLS.xenforo);
    const expected = expectedMembers('xenforo/xf2-thread.html', URLS.xenforo);
    const page = await kehila.context.newPage();
    await page.goto(URLS.xenforo);
    await settle(page, expected.length);
    expect(await badgeMembers(page)).toEqual(expected);
    expect(await page.getAttribute('html', 'data-kehila-adapter')).toBe('xenforo');
    await page.close();
  });
});
