/**
 * A changed layout is never silent: a page the adapter claims but cannot read shows up in the
 * popup as "needs attention", with the adapter, the page kind and the site.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireDisplay, launchKehila, openPopup, trackSite, type Display, type KehilaBrowser } from '@/lib/cli/browser';

const URL_ = 'https://broken.kehila-demo.test/viewtopic.php?t=77';
const dir = mkdtempSync(path.join(os.tmpdir(), 'kehila-health-'));
// phpBB by its fingerprint (body#phpbb) and a topic by its address, but the posts are in a
// markup the adapter has never seen: as if the board changed its theme overnight.
const BROKEN = `<!DOCTYPE html><html><head><title>Topic - Board</title></head>
<body id="phpbb" class="section-viewtopic"><h2 class="topic-title">A topic</h2>
${Array.from({ length: 5 }, (_, i) => `<section class="message-v2" data-msg="${i}"><header><b>member${i}</b></header><p>Some long enough text of a post number ${i} that a person can plainly read on the page.</p></section>`).join('\n')}
</body></html>`;

let display: Display;
let kehila: KehilaBrowser;

beforeAll(async () => {
  writeFileSync(path.join(dir, 'broken.html'), BROKEN);
  display = await acquireDisplay();
  kehila = await launchKehila({ headless: display.headless, routes: { [URL_]: path.join(dir, 'broken.html') } });
  await trackSite(kehila, URL_);
});

afterAll(async () => {
  await kehila?.close();
  display?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('shows the site as needing attention, with the adapter, page kind and site', async () => {
  const page = await kehila.context.newPage();
  await page.goto(URL_);
  expect(await page.getAttribute('html', 'data-kehila-adapter')).toBe('phpbb');
  const popup = await openPopup(kehila);
  await expect
    .poll(() => popup.locator('[data-section="attention"] li').allTextContents(), { timeout: 15_000, interval: 1000 })
    .toEqual([expect.stringMatching(/^phpbb could not read a topic page on https:\/\/broken\.kehila-demo\.test \(.+\): .*changed its layout/)]);
  await popup.close();
  await page.close();
});
