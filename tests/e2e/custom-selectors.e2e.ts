/**
 * A forum no adapter knows: the manager tracks it, writes selectors in the dashboard, tests
 * them against the live page, saves, and the page gets its badges.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireDisplay, DEMO_URLS, launchKehila, trackSite, type Display, type KehilaBrowser } from '@/lib/cli/browser';

let display: Display;
let kehila: KehilaBrowser;

beforeAll(async () => {
  display = await acquireDisplay();
  kehila = await launchKehila({ headless: display.headless });
  await trackSite(kehila, DEMO_URLS.custom);
});

afterAll(async () => {
  await kehila?.close();
  display?.stop();
});

it('reads a custom forum once the user saves selectors validated on the live page', async () => {
  const forum = await kehila.context.newPage();
  await forum.goto(DEMO_URLS.custom);
  await forum.waitForTimeout(1000);
  expect(await forum.locator('kehila-badge').count()).toBe(0);

  const dashboard = await kehila.context.newPage();
  await dashboard.goto(`chrome-extension://${kehila.extensionId}/dashboard.html?origin=${encodeURIComponent('https://custom.kehila-demo.test')}`);
  await expect.poll(() => dashboard.locator('tr[data-site="https://custom.kehila-demo.test"] [data-field="rule"]').textContent()).toBe('built-in reader');

  // A wrong selector first: the test says what is wrong and saving stays off.
  await dashboard.fill('#rule-post', '.message');
  await dashboard.fill('#rule-author', '.who');
  await dashboard.click('[data-action="test"]');
  await expect.poll(() => dashboard.locator('.result li[data-code="no-posts"]').count()).toBe(1);
  expect(await dashboard.locator('[data-action="save"]').isDisabled()).toBe(true);

  await dashboard.fill('#rule-post', '.msg');
  await dashboard.fill('#rule-text', '.msg-body');
  await dashboard.fill('#rule-time', '.when');
  await dashboard.fill('#rule-permalink', '.perma');
  await dashboard.click('[data-action="test"]');
  await expect.poll(() => dashboard.locator('.result strong').textContent()).toBe('3 posts, 2 authors found');
  expect(await dashboard.locator('.result .sample').first().textContent()).toContain('Ruth Adler');
  await dashboard.click('[data-action="save"]');
  await expect.poll(() => dashboard.locator('tr[data-site="https://custom.kehila-demo.test"] [data-field="rule"]').textContent()).toBe('custom');

  // Saving reloaded the forum tab: one badge per post, Ruth's two posts under one member.
  await expect.poll(() => forum.locator('kehila-badge').count(), { timeout: 15_000 }).toBe(3);
  const members = await forum.locator('kehila-badge').evaluateAll((hosts) => hosts.map((host) => host.getAttribute('data-kehila-member')));
  expect(members[0]).toBe(members[2]);
  expect(members[0]).not.toBe(members[1]);
  expect(members[0]).toMatch(/^generic:custom\.kehila-demo\.test:/);
  expect(await forum.getAttribute('html', 'data-kehila-adapter')).toBe('custom');
});
