/**
 * Tracked forum origins (lib/background/sites.ts) and the origin helpers it relies on.
 *
 * @webext-core/fake-browser 2.0.1 implements neither `permissions` nor `scripting` (both throw
 * MockNotImplementedError), so tests/unit/helpers/extension-apis.ts assigns minimal in-memory
 * versions of exactly the functions sites.ts calls onto `fakeBrowser`, with Chrome's documented
 * behaviour (a duplicate or unknown script id is an error).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { adapters } from '@/lib/adapters';
import {
  ensureForumScript,
  FORUM_SCRIPT,
  onPermissionsAdded,
  onPermissionsRemoved,
  reviveForumTabs,
  reviveForumTabsSoon,
  siteStatus,
  syncRegistrations,
  trackSite,
  untrackSite,
} from '@/lib/background/sites';
import type { KehilaDb } from '@/lib/db/db';
import { matchesPattern, originOf, originOfPattern, originPattern } from '@/lib/model/origins';
import { freshDb } from './helpers/db';
import { installFakeExtensionApis, type FakeExtensionApis } from './helpers/extension-apis';

const FORUM = 'https://forum.example.org';
const FORUM_PATTERN = 'https://forum.example.org/*';
const T0 = Date.parse('2026-03-01T12:00:00Z');

let db: KehilaDb;
let api: FakeExtensionApis;

beforeEach(() => {
  fakeBrowser.reset();
  api = installFakeExtensionApis();
  db = freshDb('sites');
});

afterEach(() => {
  api.restore();
  db.close();
});

/** What the browser would inject where: the registered scripts, without their ids. */
const registrations = () =>
  [...api.scripts.values()].map(({ matches, js, runAt, persistAcrossSessions }) => ({ matches, js, runAt, persistAcrossSessions }));

const forumRegistration = (pattern: string) => ({
  matches: [pattern],
  js: [FORUM_SCRIPT],
  runAt: 'document_idle',
  persistAcrossSessions: true,
});

describe('trackSite', () => {
  it('refuses a site whose host permission was not granted, and changes nothing', async () => {
    expect(await trackSite(db, FORUM, T0)).toBe(false);

    expect(await db.trackedSites.count()).toBe(0);
    expect(api.scripts.size).toBe(0);
    expect(await siteStatus(db, `${FORUM}/t/1`)).toEqual({ origin: FORUM, state: 'none' });
  });

  it('stores the origin and registers the forum script for it once permission is granted', async () => {
    api.granted.add(FORUM_PATTERN);

    expect(await trackSite(db, FORUM, T0)).toBe(true);

    expect(await db.trackedSites.toArray()).toEqual([{ origin: FORUM, addedAt: T0 }]);
    expect(registrations()).toEqual([forumRegistration(FORUM_PATTERN)]);
    expect(FORUM_SCRIPT).toBe('content-scripts/forum.js');
    expect(await siteStatus(db, `${FORUM}/t/welcome/1?page=2`)).toEqual({ origin: FORUM, state: 'tracked' });
  });

  it('tracks the origin without its port or path (a pattern without a port covers every port)', async () => {
    api.granted.add(FORUM_PATTERN);

    expect(await trackSite(db, 'https://forum.example.org:8443', T0)).toBe(true);

    expect(await db.trackedSites.toArray()).toEqual([{ origin: FORUM, addedAt: T0 }]);
    expect(registrations()).toEqual([forumRegistration(FORUM_PATTERN)]);
    expect(await siteStatus(db, 'https://forum.example.org:8443/t/1')).toEqual({ origin: FORUM, state: 'tracked' });
  });

  it('survives the popup flow: the permission event and the track request racing each other', async () => {
    // The popup calls permissions.request (the browser fires permissions.onAdded in the
    // background) and then sends sites/track: both synchronise registrations at once.
    api.granted.add(FORUM_PATTERN);

    await Promise.all([trackSite(db, FORUM, T0), onPermissionsAdded(db, [FORUM_PATTERN], T0)]);

    expect(await db.trackedSites.count()).toBe(1);
    expect(registrations()).toEqual([forumRegistration(FORUM_PATTERN)]);
  });
});

describe('syncRegistrations', () => {
  beforeEach(async () => {
    api.granted.add(FORUM_PATTERN);
    api.granted.add('http://board.example.net/*');
    await trackSite(db, FORUM, T0);
    await trackSite(db, 'http://board.example.net', T0);
  });

  it('is idempotent: once in step, running it again registers and unregisters nothing', async () => {
    const before = registrations();
    api.calls.length = 0;

    await syncRegistrations(db);
    await syncRegistrations(db);
    await Promise.all([syncRegistrations(db), syncRegistrations(db)]);

    expect(registrations()).toEqual(before);
    expect(before).toHaveLength(2);
    expect(api.calls.filter((call) => call !== 'get')).toEqual([]);
  });

  it('can run concurrently (install, startup and permission events may overlap)', async () => {
    api.scripts.clear();

    await Promise.all([syncRegistrations(db), syncRegistrations(db), syncRegistrations(db)]);

    expect(registrations()).toHaveLength(2);
  });

  it('registers again what the browser lost, and drops sites whose permission was taken away', async () => {
    api.scripts.clear();
    api.granted.delete('http://board.example.net/*'); // e.g. removed while the extension was off

    await syncRegistrations(db);

    expect(registrations()).toEqual([forumRegistration(FORUM_PATTERN)]);
    expect(await siteStatus(db, 'http://board.example.net/')).toEqual({ origin: 'http://board.example.net', state: 'none' });
  });

  it('leaves content scripts registered by anything else alone', async () => {
    api.scripts.set('someone-else', { id: 'someone-else', matches: ['https://x.example/*'], js: ['other.js'] });
    await db.trackedSites.clear();

    await syncRegistrations(db);

    expect([...api.scripts.keys()]).toEqual(['someone-else']);
  });
});

describe('forum tabs that missed the script (a page loaded before a restarted browser read its registrations back)', () => {
  /** Open tabs: the browser shows Kehila their URL only where it holds a permission, like Chrome without "tabs". */
  async function openTabs(urls: string[]): Promise<number[]> {
    const tabs = await Promise.all(urls.map((url) => fakeBrowser.tabs.create({ url })));
    return tabs.map((tab) => tab.id!);
  }
  const injected = () => api.calls.filter((call) => call.startsWith('inject:')).map((call) => Number(call.slice('inject:'.length)));

  beforeEach(async () => {
    api.granted.add(FORUM_PATTERN);
    await trackSite(db, FORUM, T0);
    api.calls.length = 0;
  });

  it('injects the forum script where it does not run, and only into tracked, granted sites', async () => {
    api.granted.add('https://revoked.example.com/*');
    await trackSite(db, 'https://revoked.example.com', T0);
    api.granted.delete('https://revoked.example.com/*'); // taken back in the browser's settings
    api.granted.add('https://granted.example.org/*'); // a permission held for a site no longer tracked
    const [missed, running, untracked, builtIn, revoked, notTracked] = await openTabs([
      `${FORUM}/t/welcome/1`,
      `${FORUM}/t/other/2`,
      'https://elsewhere.example.net/t/1',
      'https://www.facebook.com/groups/1/',
      'https://revoked.example.com/t/1',
      'https://granted.example.org/t/1',
    ]);
    api.live.add(running!); // the registered script runs there
    api.calls.length = 0;

    expect(await reviveForumTabs(db)).toEqual([missed]);

    // Tabs are asked side by side: the order of calls between tabs is not fixed.
    expect([...api.calls].sort()).toEqual([`inject:${missed}`, `ping:${missed}`, `ping:${running}`]);
    expect([untracked, builtIn, revoked, notTracked].some((id) => api.calls.some((call) => call.endsWith(`:${id}`)))).toBe(false);
  });

  it('asks again and injects nothing once every tab has the script', async () => {
    await openTabs([`${FORUM}/t/welcome/1`]);
    await reviveForumTabs(db);
    api.calls.length = 0;

    expect(await reviveForumTabs(db)).toEqual([]);
    expect(injected()).toEqual([]);
  });

  it('skips a tab still loading (a later sweep asks it), a discarded tab and one it cannot reach, reviving the rest', async () => {
    const [closed, fine] = await openTabs([`${FORUM}/t/1`, `${FORUM}/t/2`]);
    api.unreachable.add(closed!);

    expect(await reviveForumTabs(db)).toEqual([fine]);
    expect(await ensureForumScript(db, { id: 99, url: `${FORUM}/t/3`, status: 'loading' })).toBe(false);
    expect(await ensureForumScript(db, { id: 98, url: `${FORUM}/t/4`, status: 'unloaded', discarded: true })).toBe(false);
    expect(api.calls.filter((call) => /:9[89]$/.test(call))).toEqual([]);
  });

  it('lets a sweep finish before the next starts, so a tab is never given the script twice', async () => {
    const [tab] = await openTabs([`${FORUM}/t/1`]);
    api.injectDelayMs = 80; // the first sweep is still injecting when the next two are due
    reviveForumTabsSoon(db, [0, 20, 40]);

    await expect.poll(injected).toEqual([tab]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(injected()).toEqual([tab]);
  });

  it('sweeps again after the worker starts, catching a tab that loads meanwhile, until cancelled', async () => {
    const [restored] = await openTabs([`${FORUM}/t/1`]);
    const cancel = reviveForumTabsSoon(db, [0, 150, 60_000]);
    await expect.poll(injected).toEqual([restored]);
    const [opened] = await openTabs([`${FORUM}/t/2`]); // after the first sweep

    await expect.poll(injected).toEqual([restored, opened]);
    cancel();
    api.live.clear(); // new pages in both tabs, without the script: no sweep is left to see them
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(injected()).toEqual([restored, opened]);
  });
});

describe('untrackSite', () => {
  it('unregisters the script, forgets the site and gives the permission back', async () => {
    api.granted.add(FORUM_PATTERN);
    await trackSite(db, FORUM, T0);

    await untrackSite(db, `${FORUM}:443`);

    expect(api.scripts.size).toBe(0);
    expect(await db.trackedSites.count()).toBe(0);
    expect(api.granted.has(FORUM_PATTERN)).toBe(false);
    expect(await siteStatus(db, FORUM)).toEqual({ origin: FORUM, state: 'none' });
  });

  it('is harmless for a site that was never tracked', async () => {
    await untrackSite(db, FORUM);

    expect(api.scripts.size).toBe(0);
    expect(await db.trackedSites.count()).toBe(0);
  });
});

describe('permission events', () => {
  it('onPermissionsAdded tracks each granted origin and registers it; broad grants are not sites', async () => {
    api.granted.add(FORUM_PATTERN);

    await onPermissionsAdded(db, [FORUM_PATTERN, 'https://*/*', '*://*/*', '<all_urls>'], T0);

    expect(await db.trackedSites.toArray()).toEqual([{ origin: FORUM, addedAt: T0 }]);
    expect(registrations()).toEqual([forumRegistration(FORUM_PATTERN)]);
  });

  it('onPermissionsRemoved drops the site and its script', async () => {
    api.granted.add(FORUM_PATTERN);
    api.granted.add('https://other.example.org/*');
    await trackSite(db, FORUM, T0);
    await trackSite(db, 'https://other.example.org', T0);

    api.granted.delete(FORUM_PATTERN);
    await onPermissionsRemoved(db, [FORUM_PATTERN]);

    expect(await db.trackedSites.toArray()).toEqual([{ origin: 'https://other.example.org', addedAt: T0 }]);
    expect(registrations()).toEqual([forumRegistration('https://other.example.org/*')]);
    expect(await siteStatus(db, `${FORUM}/t/1`)).toEqual({ origin: FORUM, state: 'none' });
  });
});

describe('siteStatus', () => {
  /** A concrete page address inside a match pattern such as `*://*.reddit.com/*`. */
  const sampleUrl = (pattern: string) =>
    pattern.replace(/^\*:\/\//, 'https://').replace('://*.', '://www.').replace(/\/\*$/, '/some/page?x=1');
  const builtIn = adapters.filter((adapter) => adapter.matches.length > 0);

  it('has built-in adapters to check', () => {
    expect(builtIn.length).toBeGreaterThan(0);
  });

  it.each(builtIn.flatMap((adapter) => adapter.matches.map((pattern) => [adapter.id, pattern, sampleUrl(pattern)])))(
    '%s: %s is built-in (%s)',
    async (_id, _pattern, url) => {
      expect(await siteStatus(db, url)).toEqual({ origin: originOf(new URL(url)), state: 'built-in' });
    },
  );

  it('is built-in only for adapters with manifest matches: forum software on its own domain is not', async () => {
    const fingerprinted = adapters.filter((adapter) => adapter.matches.length === 0);
    expect(fingerprinted.length).toBeGreaterThan(0);

    expect(await siteStatus(db, 'https://meta.discourse.org/t/1')).toEqual({ origin: 'https://meta.discourse.org', state: 'none' });
    expect(await siteStatus(db, 'https://notreddit.com/r/x')).toEqual({ origin: 'https://notreddit.com', state: 'none' });
  });

  it('is tracked only while the site is tracked and its permission held', async () => {
    await db.trackedSites.put({ origin: FORUM, addedAt: T0 });
    expect(await siteStatus(db, FORUM)).toEqual({ origin: FORUM, state: 'none' });

    api.granted.add(FORUM_PATTERN);
    expect(await siteStatus(db, FORUM)).toEqual({ origin: FORUM, state: 'tracked' });
    expect(await siteStatus(db, 'http://forum.example.org/')).toEqual({ origin: 'http://forum.example.org', state: 'none' });
  });

  it.each([
    'chrome://extensions/',
    'chrome-extension://abc/popup.html',
    'about:blank',
    'file:///home/me/page.html',
    'javascript:alert(1)',
    'data:text/html,<p>hi</p>',
    'not a url',
    '',
    'https://',
  ])('is unsupported for %j', async (url) => {
    expect(await siteStatus(db, url)).toEqual({ origin: null, state: 'unsupported' });
  });
});

describe('origins', () => {
  it('originOf keeps scheme and host, dropping port, path and credentials', () => {
    expect(originOf(new URL('https://user:pw@Forum.Example.org:8443/t/1?x#y'))).toBe('https://forum.example.org');
    expect(originOf(new URL('http://127.0.0.1:3000/'))).toBe('http://127.0.0.1');
  });

  it('originPattern drops ports so the pattern covers every port', () => {
    expect(originPattern('https://forum.example.org')).toBe('https://forum.example.org/*');
    expect(originPattern('https://forum.example.org:8443')).toBe('https://forum.example.org/*');
    expect(originPattern('http://localhost:3000/some/path')).toBe('http://localhost/*');
  });

  it('originOfPattern reads single-origin patterns only', () => {
    expect(originOfPattern('https://forum.example.org/*')).toBe('https://forum.example.org');
    expect(originOfPattern('http://board.example.net:8080/*')).toBe('http://board.example.net');
    for (const broad of ['https://*/*', '*://*/*', '<all_urls>', '*://forum.example.org/*', 'https://*.example.org/*', 'https://forum.example.org/t/*', 'ftp://x/*', '']) {
      expect(originOfPattern(broad), broad).toBeUndefined();
    }
  });

  it('originOfPattern and originPattern round-trip', () => {
    expect(originOfPattern(originPattern('https://forum.example.org:8443'))).toBe('https://forum.example.org');
  });

  it('matchesPattern handles *.host patterns: the host itself and its subdomains, nothing else', () => {
    const pattern = '*://*.reddit.com/*';
    expect(matchesPattern(pattern, new URL('https://reddit.com/r/aww'))).toBe(true);
    expect(matchesPattern(pattern, new URL('https://www.reddit.com/r/aww'))).toBe(true);
    expect(matchesPattern(pattern, new URL('http://old.reddit.com:8080/'))).toBe(true);
    expect(matchesPattern(pattern, new URL('https://a.b.reddit.com/'))).toBe(true);
    expect(matchesPattern(pattern, new URL('https://notreddit.com/'))).toBe(false);
    expect(matchesPattern(pattern, new URL('https://reddit.com.evil.example/'))).toBe(false);
    expect(matchesPattern(pattern, new URL('ftp://www.reddit.com/'))).toBe(false);
  });

  it('matchesPattern honours the scheme and exact hosts', () => {
    expect(matchesPattern('https://forum.example.org/*', new URL('https://forum.example.org/t/1'))).toBe(true);
    expect(matchesPattern('https://forum.example.org/*', new URL('http://forum.example.org/t/1'))).toBe(false);
    expect(matchesPattern('https://forum.example.org/*', new URL('https://www.forum.example.org/'))).toBe(false);
    expect(matchesPattern('*://news.ycombinator.com/*', new URL('http://news.ycombinator.com/item?id=1'))).toBe(true);
    expect(matchesPattern('<all_urls>', new URL('https://x.example/'))).toBe(false);
  });
});
