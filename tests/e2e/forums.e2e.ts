/**
 * Kehila end to end on the demo forums: the real built extension in Chromium, sites served from
 * local files under their own host names, the browser's own permission prompt answered by
 * keyboard. Run with `npm run test:e2e` (after `npm run build`).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDisplay, DEMO_URLS, launchKehila, openPopup, trackSite, type Display, type KehilaBrowser } from '@/lib/cli/browser';

const DISCOURSE = 'discourse:discuss.kehila-demo.test';
const PHPBB = 'phpbb:forum.kehila-demo.test';
const DANA = `${DISCOURSE}:dana_levi`;

let display: Display;
let kehila: KehilaBrowser;

/** Every badge on the page as [member id, visible text, posts, notes]. */
async function badges(page: Page): Promise<{ member: string; text: string; posts: number; notes: number; label: string }[]> {
  return page.locator('kehila-badge').evaluateAll((hosts) =>
    hosts.map((host) => {
      const button = host.shadowRoot!.querySelector('button')!;
      return {
        member: host.getAttribute('data-kehila-member')!,
        text: button.textContent ?? '',
        posts: Number(button.dataset.posts),
        notes: Number(button.dataset.notes),
        label: button.getAttribute('aria-label') ?? '',
      };
    }),
  );
}

async function openTopic(url: string, count: number): Promise<Page> {
  const page = await kehila.context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  await expect.poll(async () => (await badges(page)).filter((badge) => badge.posts > 0).length, { timeout: 15_000 }).toBe(count);
  return page;
}

function card(page: Page) {
  return page.locator('kehila-card .card');
}

beforeAll(async () => {
  display = await acquireDisplay();
  kehila = await launchKehila({ headless: display.headless });
  await trackSite(kehila, DEMO_URLS.discourse);
  await trackSite(kehila, DEMO_URLS.phpbb);
});

afterAll(async () => {
  await kehila?.close();
  display?.stop();
});

describe('Discourse topic', () => {
  it('puts one badge after each post author, keyed by member id', async () => {
    const page = await openTopic(DEMO_URLS.discourse, 6);
    const found = await badges(page);
    expect(found.map((badge) => badge.member)).toEqual([
      DANA,
      `${DISCOURSE}:mark.t`,
      `${DISCOURSE}:yossi`,
      `${DISCOURSE}:sunbird_support`,
      `${DISCOURSE}:priya`,
      DANA,
    ]);
    // Dana posted twice in this topic: both her badges say so.
    expect(found.filter((badge) => badge.member === DANA).map((badge) => badge.posts)).toEqual([2, 2]);
    // The badge sits right after the author's name link.
    const placement = await page.locator('article#post_1 kehila-badge').evaluate((host) => host.previousElementSibling?.textContent);
    expect(placement).toBe('Dana Levi');
    expect(await page.getAttribute('html', 'data-kehila-adapter')).toBe('discourse');
    await page.close();
  });

  it('badges posts streamed in later, once each', async () => {
    const page = await openTopic(DEMO_URLS.discourse, 6);
    await page.click('#load-more');
    await expect.poll(async () => (await badges(page)).length).toBe(9);
    const found = await badges(page);
    expect(found.filter((badge) => badge.member === `${DISCOURSE}:noa_b`)).toHaveLength(1);
    await expect.poll(async () => (await badges(page)).find((badge) => badge.member === `${DISCOURSE}:yossi`)?.posts).toBe(2);
    // Every article has exactly one badge.
    const perArticle = await page.locator('article').evaluateAll((articles) => articles.map((a) => a.querySelectorAll('kehila-badge').length));
    expect(perArticle).toEqual(Array(9).fill(1));
    await page.close();
  });
});

describe('badges follow the viewport', () => {
  it('draws badges within a screen of the viewport, and the rest as they are scrolled to', async () => {
    // A short window: the topic's nine posts reach well past a screen below it.
    const page = await kehila.context.newPage();
    await page.setViewportSize({ width: 900, height: 240 });
    await page.goto(DEMO_URLS.discourse);
    // Clicked from script: Playwright's click would scroll the button (the end of the topic) into view.
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('#load-more')!.click());
    const articles = page.locator('article');
    await expect.poll(() => articles.count()).toBe(9);
    const layout = () =>
      articles.evaluateAll((list) =>
        list.map((article) => ({ top: article.getBoundingClientRect().top, badged: !!article.querySelector('kehila-badge') })),
      );
    // Everything within a screen below the viewport gets its badge; the posts far below do not yet.
    await expect.poll(async () => (await layout()).filter((post) => post.top < 2 * 240).every((post) => post.badged), { timeout: 15_000 }).toBe(true);
    await page.waitForTimeout(500);
    const before = await layout();
    expect(before.filter((post) => post.top > 3 * 240)).not.toEqual([]);
    expect(before.filter((post) => post.top > 3 * 240).every((post) => !post.badged)).toBe(true);

    // Read down the topic a screen at a time.
    await page.evaluate(async () => {
      for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
        window.scrollTo(0, y);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    await expect.poll(async () => (await layout()).every((post) => post.badged), { timeout: 10_000 }).toBe(true);
    // Every post was still read and stored on load: the summaries are complete.
    expect((await badges(page)).find((badge) => badge.member === `${DISCOURSE}:yossi`)?.posts).toBe(2);
    await page.close();
  });
});

describe('phpBB topic', () => {
  it('puts one badge after each post author, keyed by the board user id', async () => {
    const page = await openTopic(DEMO_URLS.phpbb, 5);
    const found = await badges(page);
    expect(found.map((badge) => badge.member)).toEqual([`${PHPBB}:48`, `${PHPBB}:311`, `${PHPBB}:207`, `${PHPBB}:48`, `${PHPBB}:415`]);
    expect(found[0]!.posts).toBe(2);
    expect(await page.getAttribute('html', 'data-kehila-adapter')).toBe('phpbb');
    await page.close();
  });
});

describe('member card', () => {
  it('adds, edits and deletes notes and tags; every tab and every badge follows; notes survive a reload', async () => {
    const page = await openTopic(DEMO_URLS.discourse, 6);
    const other = await openTopic(DEMO_URLS.discourse, 6);
    await page.bringToFront();

    const danaBadge = page.locator(`article#post_1 kehila-badge button`);
    await danaBadge.click();
    await expect.poll(() => card(page).getAttribute('role')).toBe('dialog');
    await expect.poll(() => card(page).locator('h2').textContent()).toBe('Dana Levi');

    // A note, typed into the focused field: keyboard first.
    await expect.poll(() => page.evaluate(() => document.activeElement?.localName)).toBe('kehila-card');
    await page.keyboard.type('Prefers email; has two grinders');
    await card(page).locator('button.primary').click();
    await expect.poll(() => card(page).locator('li.note .body').allTextContents()).toEqual(['Prefers email; has two grinders']);

    // Tags: add two, remove one.
    const tagInput = card(page).locator('input[type="text"]');
    await tagInput.fill('vip');
    await tagInput.press('Enter');
    await tagInput.fill('beta-tester');
    await tagInput.press('Enter');
    await expect.poll(() => card(page).locator('.chip').allTextContents()).toEqual(['vip×', 'beta-tester×']);
    await card(page).getByRole('button', { name: 'Remove tag beta-tester' }).click();
    await expect.poll(() => card(page).locator('.chip').allTextContents()).toEqual(['vip×']);

    // Both of Dana's badges, in this tab and the other, now show the note and the tag.
    for (const tab of [page, other]) {
      await expect
        .poll(async () => (await badges(tab)).filter((badge) => badge.member === DANA).map((badge) => [badge.notes, badge.text]))
        .toEqual([
          [1, '● 2✎ 1#vip'],
          [1, '● 2✎ 1#vip'],
        ]);
    }

    // Edit the note.
    await card(page).getByRole('button', { name: 'Edit' }).click();
    const editor = card(page).locator('li.note textarea');
    await editor.fill('Prefers email');
    await card(page).getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => card(page).locator('li.note .body').allTextContents()).toEqual(['Prefers email']);

    // Escape closes the card and gives focus back to the badge.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('kehila-card').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.localName)).toBe('kehila-badge');

    // After a reload the note is still there, in the badge and in the card.
    await page.reload();
    await expect.poll(async () => (await badges(page)).find((badge) => badge.member === DANA)?.notes, { timeout: 15_000 }).toBe(1);
    await page.locator('article#post_1 kehila-badge button').click();
    await expect.poll(() => card(page).locator('li.note .body').allTextContents()).toEqual(['Prefers email']);

    // Delete it (the page's confirm dialog is accepted).
    await card(page).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => card(page).locator('li.note').count()).toBe(0);
    await expect.poll(async () => (await badges(other)).find((badge) => badge.member === DANA)?.notes).toBe(0);
    await page.close();
    await other.close();
  });

  it('renders hostile page text as text', async () => {
    const page = await openTopic(DEMO_URLS.phpbb, 5);
    await page.locator('kehila-badge button').first().click();
    const tagInput = card(page).locator('input[type="text"]');
    await tagInput.fill('<img src=x onerror=alert(1)>');
    await tagInput.press('Enter');
    // Angle brackets are refused by the schema, with a message; nothing is stored or run.
    await expect.poll(() => card(page).locator('.error').textContent()).toContain('members/tag');
    expect(await card(page).locator('img').count()).toBe(0);
    await page.close();
  });
});

describe('popup', () => {
  it('lists the tracked communities with members, posts, notes and last activity', async () => {
    const popup = await openPopup(kehila);
    const row = (id: string, field: string) => popup.locator(`tr[data-community="${id}"] [data-field="${field}"]`).textContent();
    await expect.poll(() => row(DISCOURSE, 'members')).toBe('6');
    expect(await row(DISCOURSE, 'posts')).toBe('9');
    expect(await row(PHPBB, 'members')).toBe('4');
    expect(await row(PHPBB, 'posts')).toBe('5');
    expect(await row(PHPBB, 'notes')).toBe('0');
    expect(await row(DISCOURSE, 'last-activity')).toMatch(/ago|now/);
    await popup.close();
  });

  it('untracking a site removes its content script', async () => {
    const popup = await openPopup(kehila, DEMO_URLS.phpbb);
    await popup.locator('[data-action="untrack"]').click();
    await popup.locator('[data-action="track"]').waitFor();
    const registered = await kehila.worker.evaluate(async () =>
      (await (globalThis as unknown as { chrome: { scripting: { getRegisteredContentScripts(): Promise<{ id: string }[]> } } }).chrome.scripting.getRegisteredContentScripts()).map((script) => script.id),
    );
    expect(registered).toEqual(['kehila-site:https://discuss.kehila-demo.test']);
    const page = await kehila.context.newPage();
    await page.goto(DEMO_URLS.phpbb);
    await page.waitForTimeout(1500);
    expect(await page.locator('kehila-badge').count()).toBe(0);
    await page.close();
    await popup.close();
    // Track it again for any test that follows.
    await trackSite(kehila, DEMO_URLS.phpbb);
  });
});
