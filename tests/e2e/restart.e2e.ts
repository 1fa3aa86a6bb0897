/**
 * A tracked forum stays tracked after the browser restarts (persisted content-script
 * registration), and a forum tab that missed its script (Chromium loaded it before it had read
 * the registrations back) gets it from the worker when a worker starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireDisplay, DEMO_URLS, launchKehila, trackSite, type Display } from '@/lib/cli/browser';

/** The extension APIs as seen inside the service worker, for `worker.evaluate` callbacks. */
declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  scripting: { unregisterContentScripts(): Promise<void> };
};

let display: Display;
const profileDir = mkdtempSync(path.join(os.tmpdir(), 'kehila-restart-'));

beforeAll(async () => {
  display = await acquireDisplay();
});

afterAll(() => {
  display?.stop();
  rmSync(profileDir, { recursive: true, force: true });
});

it('keeps badges on a tracked forum, and its notes, across a browser restart', async () => {
  const first = await launchKehila({ headless: display.headless, profileDir });
  await trackSite(first, DEMO_URLS.phpbb);
  const page = await first.context.newPage();
  await page.goto(DEMO_URLS.phpbb);
  await page.locator('kehila-badge button').first().click();
  await page.locator('kehila-card textarea').fill('Organises the group orders');
  await page.locator('kehila-card button.primary').click();
  await expect.poll(() => page.locator('kehila-card li.note').count()).toBe(1);
  await first.close();

  const second = await launchKehila({ headless: display.headless, profileDir });
  try {
    const again = await second.context.newPage();
    await again.goto(DEMO_URLS.phpbb);
    // Bounded, so a page that never gets its badge fails here rather than hanging the test.
    await again.locator('kehila-badge').first().waitFor({ timeout: 15_000 });
    await expect
      .poll(() => again.locator('kehila-badge').first().evaluate((host) => host.shadowRoot!.querySelector('button')!.dataset.notes), { timeout: 15_000 })
      .toBe('1');
  } finally {
    await second.close();
  }
});

it('gives an open tab of a tracked forum that never got the forum script that script when a worker starts', async () => {
  const kehila = await launchKehila({ headless: display.headless });
  try {
    await trackSite(kehila, DEMO_URLS.phpbb);
    // What a restarting Chromium does to a page it loads too early: the registration is not
    // there yet. The worker is stopped too, so no sweep of its own reaches the page first.
    await kehila.worker.evaluate(() => chrome.scripting.unregisterContentScripts());
    const driver = await kehila.context.newPage();
    await driver.goto(`chrome-extension://${kehila.extensionId}/manifest.json`);
    const cdp = await kehila.context.newCDPSession(driver);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const page = await kehila.context.newPage();
    await page.goto(DEMO_URLS.phpbb);
    await page.waitForTimeout(1500);
    expect(await page.locator('html').getAttribute('data-kehila-adapter')).toBeNull();

    // Anything that wakes a worker (here a message from an extension page) starts its sweeps.
    await driver.evaluate(() => chrome.runtime.sendMessage({ type: 'sites/list' }));
    await page.locator('kehila-badge').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('html').getAttribute('data-kehila-adapter')).toBe('phpbb');
  } finally {
    await kehila.close();
  }
});
