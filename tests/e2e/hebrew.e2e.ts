/** The same extension with Chromium's UI in Hebrew: every Kehila surface is right-to-left. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireDisplay, DEMO_URLS, launchKehila, openPopup, trackSite, type Display, type KehilaBrowser } from '@/lib/cli/browser';

let display: Display;
let kehila: KehilaBrowser;

beforeAll(async () => {
  display = await acquireDisplay();
  kehila = await launchKehila({ headless: display.headless, language: 'he' });
  await trackSite(kehila, DEMO_URLS.phpbb);
});

afterAll(async () => {
  await kehila?.close();
  display?.stop();
});

it('runs with a Hebrew browser UI', async () => {
  expect(await kehila.worker.evaluate(() => (globalThis as unknown as { chrome: { i18n: { getUILanguage(): string } } }).chrome.i18n.getUILanguage())).toMatch(/^he/);
});

it('renders the popup right-to-left, in Hebrew', async () => {
  const page = await kehila.context.newPage();
  await page.goto(DEMO_URLS.phpbb);
  await page.locator('kehila-badge').first().waitFor({ timeout: 15_000 });
  const popup = await openPopup(kehila, DEMO_URLS.phpbb);
  expect(await popup.getAttribute('html', 'dir')).toBe('rtl');
  expect(await popup.getAttribute('html', 'lang')).toMatch(/^he/);
  await expect.poll(() => popup.locator('h2').first().textContent()).toBe('האתר הזה');
  await expect.poll(() => popup.locator('tr[data-community="phpbb:forum.kehila-demo.test"] [data-field="posts"]').textContent()).toBe('5');
  const headingAlign = await popup.locator('h1').evaluate((el) => getComputedStyle(el).direction);
  expect(headingAlign).toBe('rtl');
  await popup.close();
  await page.close();
});

it('renders the member card right-to-left, in Hebrew', async () => {
  const page = await kehila.context.newPage();
  await page.goto(DEMO_URLS.phpbb);
  const badge = page.locator('kehila-badge button').first();
  await badge.waitFor({ timeout: 15_000 });
  expect(await badge.getAttribute('aria-label')).toContain('פרסומים');
  await badge.click();
  const card = page.locator('kehila-card .card');
  await expect.poll(() => card.getAttribute('dir')).toBe('rtl');
  await expect.poll(() => card.locator('h3').first().textContent()).toBe('תגיות');
  await page.close();
});
