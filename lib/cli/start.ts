/**
 * `npm start`: build the extension and open Chromium with it on the bundled demo community.
 * With a display, the browser stays open until you close it. Without one, it runs on a
 * virtual display (or headless), walks through the demo, saves screenshots and says where.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { acquireDisplay, DEMO_URLS, launchKehila, openPopup, ROOT, trackSite } from './browser';

const SHOTS = path.join(ROOT, '.kehila/screenshots');
const say = (line: string) => process.stdout.write(`kehila: ${line}\n`);

async function main(): Promise<number> {
  say('building the extension…');
  if (spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) return 1;

  const hadDisplay = Boolean(process.env.DISPLAY);
  const display = await acquireDisplay();
  if (display.headless) {
    say('no display and no Xvfb: Chromium cannot show its permission prompt, so the demo sites cannot be tracked.');
    say('install xvfb and xdotool (npm start installs them itself when run as root on Debian/Ubuntu).');
    return 1;
  }
  const kehila = await launchKehila({ headless: false });
  try {
    say('tracking the demo forums (the same "Track this site" a manager clicks)…');
    await trackSite(kehila, DEMO_URLS.discourse);
    await trackSite(kehila, DEMO_URLS.phpbb);
    // Start from a clean window: the demo's own pages only.
    const home = await kehila.context.newPage();
    await home.goto(DEMO_URLS.home);
    for (const page of kehila.context.pages()) if (page !== home) await page.close();
    const discourse = await openAndWait(DEMO_URLS.discourse, kehila.context.newPage());
    const phpbb = await openAndWait(DEMO_URLS.phpbb, kehila.context.newPage());

    if (hadDisplay) {
      await discourse.bringToFront();
      say('Chromium is open on the demo community. Close the browser window to finish.');
      await new Promise<void>((resolve) => kehila.context.once('close', () => resolve()));
      return 0;
    }

    mkdirSync(SHOTS, { recursive: true });
    const shots: string[] = [];
    const shoot = async (page: Page, name: string) => {
      const file = path.join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file });
      shots.push(file);
    };
    await discourse.bringToFront();
    await discourse.click('#load-more');
    await discourse.locator('article#post_9 kehila-badge').waitFor();
    await shoot(discourse, '1-discourse-badges');
    await discourse.locator('article#post_1 kehila-badge button').click();
    await discourse.locator('kehila-card textarea').fill('Reported the 2.1 grinder jam first; prefers email.');
    await discourse.locator('kehila-card button.primary').click();
    await discourse.locator('kehila-card li.note').waitFor();
    const tag = discourse.locator('kehila-card input[type="text"]');
    await tag.fill('early-adopter');
    await tag.press('Enter');
    await discourse.locator('kehila-card .chip').waitFor();
    await shoot(discourse, '2-member-card');
    await phpbb.bringToFront();
    await shoot(phpbb, '3-phpbb-badges');
    const popup = await openPopup(kehila, DEMO_URLS.discourse);
    await popup.setViewportSize({ width: 520, height: 380 });
    await popup.locator('tr[data-community]').first().waitFor();
    await shoot(popup, '4-popup');
    say('no display: ran the demo on a virtual display. Screenshots:');
    for (const file of shots) say(`  ${file}`);
    return 0;
  } finally {
    await kehila.close().catch(() => undefined);
    display.stop();
  }
}

async function openAndWait(url: string, pending: Promise<Page>): Promise<Page> {
  const page = await pending;
  await page.goto(url);
  await page.locator('kehila-badge').first().waitFor({ timeout: 15_000 });
  return page;
}

process.exitCode = await main().catch((error: Error) => {
  process.stderr.write(`kehila: ${error.message}\n`);
  return 1;
});
