/**
 * Forums on their own domains: the user tracks a site, grants its host permission, and the
 * forum content script is registered for that origin. Registrations persist across browser
 * restarts, and are re-synchronised from the database at install and startup so an update
 * or a permission removed in the browser's settings never leaves them out of step.
 */
import { browser } from 'wxt/browser';
import { builtInMatches } from '@/lib/adapters/builtin';
import type { KehilaDb } from '@/lib/db/db';
import type { Broadcast, SiteStatus } from '@/lib/messages/schema';
import { isWebUrl, matchesPattern, originOf, originOfPattern, originPattern } from '@/lib/model/origins';

export const FORUM_SCRIPT = 'content-scripts/forum.js';
const REGISTRATION_PREFIX = 'kehila-site:';

export function isBuiltIn(url: URL): boolean {
  return builtInMatches().some((pattern) => matchesPattern(pattern, url));
}

export async function siteStatus(db: KehilaDb, rawUrl: string): Promise<SiteStatus> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { origin: null, state: 'unsupported' };
  }
  if (!isWebUrl(url)) return { origin: null, state: 'unsupported' };
  const origin = originOf(url);
  if (isBuiltIn(url)) return { origin, state: 'built-in' };
  const tracked = await db.trackedSites.get(origin);
  const granted = tracked ? await browser.permissions.contains({ origins: [originPattern(origin)] }) : false;
  return { origin, state: tracked && granted ? 'tracked' : 'none' };
}

/** Track a site whose host permission the user has just granted (from the popup). */
/** Tracked sites for the dashboard: whether the browser still grants each, and which have a rule. */
export async function listSites(db: KehilaDb): Promise<{ origin: string; addedAt: number; hasRule: boolean; granted: boolean }[]> {
  const sites = await db.trackedSites.orderBy('origin').toArray();
  return Promise.all(
    sites.map(async (site) => ({
      origin: site.origin,
      addedAt: site.addedAt,
      hasRule: Boolean(site.rule),
      granted: await browser.permissions.contains({ origins: [originPattern(site.origin)] }),
    })),
  );
}

/** Store a custom-selector rule (already validated) for a tracked site. */
export async function saveRule(db: KehilaDb, origin: string, rule: Record<string, unknown>): Promise<boolean> {
  const updated = await db.trackedSites.update(normalizeOrigin(origin), { rule });
  return updated > 0;
}

export async function trackSite(db: KehilaDb, origin: string, now = Date.now()): Promise<boolean> {
  const normalized = normalizeOrigin(origin);
  if (!(await browser.permissions.contains({ origins: [originPattern(normalized)] }))) return false;
  await db.trackedSites.put({ origin: normalized, addedAt: now });
  await syncRegistrations(db);
  return true;
}

export async function untrackSite(db: KehilaDb, origin: string): Promise<void> {
  const normalized = normalizeOrigin(origin);
  await db.trackedSites.delete(normalized);
  await syncRegistrations(db);
  // Give the permission back too: Kehila holds no access it does not use.
  await browser.permissions.remove({ origins: [originPattern(normalized)] }).catch(() => false);
}

function normalizeOrigin(origin: string): string {
  return originOf(new URL(origin));
}

let syncing: Promise<void> = Promise.resolve();

/**
 * Make the registered content scripts match the tracked sites whose permission is granted.
 * Registrations are keyed by origin, so this is idempotent; runs are queued one after another
 * because the popup's "track" and the browser's permissions.onAdded arrive together.
 */
export function syncRegistrations(db: KehilaDb): Promise<void> {
  const run = syncing.then(() => applyRegistrations(db));
  syncing = run.catch(() => undefined);
  return run;
}

async function applyRegistrations(db: KehilaDb): Promise<void> {
  const [sites, registered] = await Promise.all([
    db.trackedSites.toArray(),
    browser.scripting.getRegisteredContentScripts(),
  ]);
  const wanted = new Map<string, string>();
  for (const site of sites) {
    const pattern = originPattern(site.origin);
    if (await browser.permissions.contains({ origins: [pattern] })) wanted.set(REGISTRATION_PREFIX + site.origin, pattern);
  }
  const ours = registered.filter((script) => script.id.startsWith(REGISTRATION_PREFIX));
  const stale = ours.filter((script) => !wanted.has(script.id)).map((script) => script.id);
  const present = new Set(ours.map((script) => script.id));
  const missing = [...wanted].filter(([id]) => !present.has(id));
  if (stale.length) await browser.scripting.unregisterContentScripts({ ids: stale });
  if (missing.length) {
    await browser.scripting.registerContentScripts(
      missing.map(([id, pattern]) => ({
        id,
        matches: [pattern],
        js: [FORUM_SCRIPT],
        runAt: 'document_idle' as const,
        persistAcrossSessions: true,
      })),
    );
  }
}

/**
 * After a browser restart, Chromium may load a page of a tracked forum before it has read its
 * persisted registrations back, and that page never gets the forum script: it was seen in
 * about one restart in twelve, with the registration present and the page loaded. So when the
 * worker starts (with the browser, after an update, or woken later) the open tabs of tracked
 * sites are asked, a few times over its first half minute, whether a forum script answers
 * there, and given it if not. Sweeps rather than a tabs.onUpdated listener: a listener
 * registered when the worker starts would wake it for every page the user opens anywhere, for
 * good.
 */
export const REVIVE_SWEEPS_MS = [0, 2_000, 5_000, 15_000, 30_000] as const;

/** Sweep the open tabs at each delay (see REVIVE_SWEEPS_MS); returns a function that cancels the rest. */
export function reviveForumTabsSoon(db: KehilaDb, delays: readonly number[] = REVIVE_SWEEPS_MS): () => void {
  // A sweep still asking its tabs when the next is due is left to finish: two at once could
  // both find a tab without the script and give it twice.
  let sweeping = false;
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    reviveForumTabs(db)
      .catch((error) => console.error('Kehila: could not check open forum tabs', error))
      .finally(() => (sweeping = false));
  };
  const timers = delays.map((ms) => setTimeout(sweep, ms));
  return () => timers.forEach(clearTimeout);
}

/** Give every open tab of a tracked site the forum script it lacks; resolves to the tabs given it. */
export async function reviveForumTabs(db: KehilaDb): Promise<number[]> {
  const tabs = await browser.tabs.query({});
  const revived = await Promise.all(tabs.map((tab) => ensureForumScript(db, tab)));
  return tabs.flatMap((tab, index) => (revived[index] && tab.id !== undefined ? [tab.id] : []));
}

interface TabLike {
  id?: number;
  url?: string;
  status?: string;
  discarded?: boolean;
}

/**
 * Inject the forum script into a loaded tab of a tracked, granted site where none answers.
 * Resolves to whether it injected; a tab that closed or navigated meanwhile is no error.
 */
export async function ensureForumScript(db: KehilaDb, tab: TabLike): Promise<boolean> {
  // The URL is visible only for sites Kehila holds a permission for. A loading tab is left to
  // its registered script, which runs when the page is idle (a later sweep asks again); a
  // discarded tab has no page to give it to.
  if (tab.id === undefined || !tab.url || tab.status === 'loading' || tab.discarded) return false;
  let url: URL;
  try {
    url = new URL(tab.url);
  } catch {
    return false;
  }
  if (!isWebUrl(url) || isBuiltIn(url)) return false;
  const origin = originOf(url);
  if (!(await db.trackedSites.get(origin))) return false;
  if (!(await browser.permissions.contains({ origins: [originPattern(origin)] }))) return false;
  if (await forumScriptAnswers(tab.id)) return false;
  try {
    await browser.scripting.executeScript({ target: { tabId: tab.id }, files: [`/${FORUM_SCRIPT}` as const] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Does a live forum script answer in the tab's page? A message, not a mark left in the page's
 * isolated world: after an update or reload, the old script's world (and anything it left
 * there) outlives the script, which no longer answers anything.
 */
async function forumScriptAnswers(tabId: number): Promise<boolean> {
  const ping: Broadcast = { type: 'forum/ping' };
  try {
    return (await browser.tabs.sendMessage(tabId, ping, { frameId: 0 })) === true;
  } catch {
    // "Receiving end does not exist": no script of Kehila's listens in that page.
    return false;
  }
}

/** The browser granted or removed host permissions (popup, or the browser's own settings). */
export async function onPermissionsAdded(db: KehilaDb, origins: readonly string[] = [], now = Date.now()): Promise<void> {
  for (const pattern of origins) {
    const origin = originOfPattern(pattern);
    if (origin) await db.trackedSites.put({ origin, addedAt: now });
  }
  await syncRegistrations(db);
}

export async function onPermissionsRemoved(db: KehilaDb, origins: readonly string[] = []): Promise<void> {
  const removed = origins.map(originOfPattern).filter((origin): origin is string => Boolean(origin));
  await db.trackedSites.bulkDelete(removed);
  await syncRegistrations(db);
}
