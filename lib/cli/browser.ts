/**
 * Chromium with the built extension loaded, for `npm start`, the end-to-end tests and the
 * benchmarks alike. Sites are served from local files with Playwright's routing, so content
 * scripts see real host names (https://discuss.kehila-demo.test/…) and no network is used.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Route, type Worker } from 'playwright-core';

/** The extension APIs as seen inside the service worker, for `worker.evaluate` callbacks. */
declare const chrome: {
  permissions: { contains(permissions: { origins: string[] }): Promise<boolean> };
};

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const EXTENSION_DIR = path.join(ROOT, '.output/chrome-mv3');
export const DEMO_DIR = path.join(ROOT, 'lib/demo/pages');

export const DEMO_URLS = {
  home: 'https://kehila-demo.test/',
  discourse: 'https://discuss.kehila-demo.test/t/grinder-keeps-jamming-after-firmware-2-1/4821',
  phpbb: 'https://forum.kehila-demo.test/viewtopic.php?t=931',
  custom: 'https://custom.kehila-demo.test/board/12',
} as const;

/** Local file for each demo URL: host → (path → file). */
const DEMO_ROUTES: Record<string, (pathname: string) => string | undefined> = {
  'kehila-demo.test': (p) => (p === '/' ? 'index.html' : undefined),
  'discuss.kehila-demo.test': (p) => (p.startsWith('/t/') ? 'discourse-topic.html' : undefined),
  'forum.kehila-demo.test': (p) => (p === '/viewtopic.php' ? 'phpbb-topic.html' : undefined),
  'custom.kehila-demo.test': (p) => (p.startsWith('/board/') ? 'custom-forum.html' : undefined),
};

export function findChromium(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) {
    throw new Error('No Chromium found. Install it (Debian/Ubuntu: apt-get install chromium) or set CHROME_PATH.');
  }
  return found;
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export interface Display {
  /** True when no display could be had: Chromium runs headless. */
  headless: boolean;
  /** True when we started a virtual display (Xvfb) ourselves. */
  isVirtual: boolean;
  stop(): void;
}

/**
 * A display for Chromium: the user's own when there is one; else a virtual one (Xvfb) when
 * installed, so the browser's own permission prompt can be answered by keyboard; else none.
 */
export async function acquireDisplay(options: { preferHeadless?: boolean } = {}): Promise<Display> {
  if (process.env.DISPLAY && !options.preferHeadless) return { headless: false, isVirtual: false, stop() {} };
  if (!hasCommand('Xvfb')) return { headless: true, isVirtual: false, stop() {} };
  const xvfb: ChildProcess = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const number = await new Promise<string>((resolve, reject) => {
    xvfb.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with code ${code}`)));
  });
  const previous = process.env.DISPLAY;
  process.env.DISPLAY = `:${number}`;
  return {
    headless: false,
    isVirtual: true,
    stop() {
      xvfb.kill();
      if (previous === undefined) delete process.env.DISPLAY;
      else process.env.DISPLAY = previous;
    },
  };
}

export interface KehilaBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** The Chromium profile (its --user-data-dir). */
  profileDir: string;
  close(): Promise<void>;
}

export interface LaunchOptions {
  headless: boolean;
  /** UI language, e.g. 'he': Chromium on Linux takes it from LANGUAGE and --lang. */
  language?: string;
  /** Extra local pages: absolute URL prefix → file path. */
  routes?: Record<string, string>;
  extensionDir?: string;
  /** Reuse this Chromium profile (kept on close), e.g. to test a browser restart. */
  profileDir?: string;
}

export async function launchKehila(options: LaunchOptions): Promise<KehilaBrowser> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  if (!existsSync(path.join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${extensionDir}: run \`npm run build\` first.`);
  }
  const profile = options.profileDir ?? mkdtempSync(path.join(os.tmpdir(), 'kehila-profile-'));
  const language = options.language ?? 'en';
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: options.headless,
    viewport: { width: 1200, height: 860 },
    env: { ...process.env, LANGUAGE: language, LANG: language === 'he' ? 'he_IL.UTF-8' : 'en_US.UTF-8' },
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      `--lang=${language}`,
      '--disable-gpu',
      '--disable-quic',
      '--disable-sync',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  await serveLocalSites(context, options.routes ?? {});
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    profileDir: profile,
    async close() {
      await context.close();
      if (!options.profileDir) rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function serveLocalSites(context: BrowserContext, extra: Record<string, string>): Promise<void> {
  const fulfil = (route: Route, file: string | undefined, url: string) =>
    file
      ? route.fulfill({ status: 200, contentType: file.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8', body: readFileSync(file) })
      : route.fulfill({ status: 404, contentType: 'text/plain', body: `No local page for ${url}` });
  const fromExtra = (url: string) => Object.entries(extra).find(([prefix]) => url.startsWith(prefix))?.[1];

  // Real hosts (facebook.com, reddit.com …) for the pages a test serves; nothing else of theirs
  // is fetched (images and scripts the saved pages name are answered empty, never from the network).
  const hosts = [...new Set(Object.keys(extra).map((prefix) => new URL(prefix).origin))].filter((origin) => !origin.endsWith('.test'));
  for (const origin of hosts) {
    await context.route(`${origin}/**`, (route) => {
      const url = route.request().url();
      const file = fromExtra(url);
      return file ? fulfil(route, file, url) : route.fulfill({ status: 204, body: '' });
    });
  }
  await context.route(/^https?:\/\/[^/]*\.test\//, (route) => {
    const url = new URL(route.request().url());
    const demo = DEMO_ROUTES[url.hostname]?.(url.pathname);
    const file =
      fromExtra(url.href) ??
      (demo ? path.join(DEMO_DIR, demo) : url.pathname === '/demo.css' ? path.join(DEMO_DIR, 'demo.css') : undefined);
    return fulfil(route, file, url.href);
  });
}

/** The extension popup as a page, about the site at `url` (the toolbar popup's own view). */
export async function openPopup(kehila: KehilaBrowser, aboutUrl?: string): Promise<Page> {
  const page = await kehila.context.newPage();
  const query = aboutUrl ? `?url=${encodeURIComponent(aboutUrl)}` : '';
  await page.goto(`chrome-extension://${kehila.extensionId}/popup.html${query}`);
  return page;
}

/**
 * Track a forum the way a manager does: "Track this site" in the popup, then "Allow" in the
 * browser's permission prompt. The prompt is the browser's own window, so it is answered with
 * the keyboard (xdotool) on a display; headless Chromium cannot show it at all.
 */
export async function trackSite(kehila: KehilaBrowser, siteUrl: string): Promise<void> {
  if (!process.env.DISPLAY || !hasCommand('xdotool')) {
    throw new Error('Tracking a site needs the browser permission prompt: run with a display (or install Xvfb) and xdotool.');
  }
  const pattern = `${new URL(siteUrl).origin.replace(/:\d+$/, '')}/*`;
  const popup = await openPopup(kehila, siteUrl);
  await popup.bringToFront();
  await popup.locator('[data-action="track"]').click();
  const granted = () => kehila.worker.evaluate((origins) => chrome.permissions.contains({ origins }), [pattern]);
  // Nothing in the page tells when the prompt is up, so wait, then answer: Tab reaches "Allow"
  // from the prompt's default button. Should the keys reach the popup instead (prompt not up
  // yet), the page's focus is cleared first, so Tab lands on "Track this site" again, which
  // only asks once more. Chromium grants without asking what was granted before.
  for (const wait of [700, 1500, 3000]) {
    await popup.waitForTimeout(wait);
    if (await granted()) break;
    await popup.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    spawnSync('xdotool', ['key', '--clearmodifiers', 'Tab', 'Return']);
    for (let i = 0; i < 20 && !(await granted()); i += 1) await popup.waitForTimeout(100);
    if (await granted()) break;
  }
  if (!(await granted())) throw new Error(`The permission prompt for ${pattern} was not accepted`);
  await popup.locator('[data-action="untrack"]').waitFor({ timeout: 10_000 }).catch(async (error) => {
    throw new Error(`Tracking ${siteUrl} did not finish: ${await popup.locator("main").innerText()}`, { cause: error });
  });
  await popup.close();
}
