/** A tracked forum stays tracked after the browser restarts (persisted content-script registration). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireDisplay, DEMO_URLS, launchKehila, trackSite, type Display } from '@/lib/cli/browser';

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
