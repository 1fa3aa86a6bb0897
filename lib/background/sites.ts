/**
 * Forums on their own domains: the user tracks a site, grants its host permission, and the
 * forum content script is registered for that origin. Registrations persist across browser
 * restarts, and are re-synchronised from the database at install and startup so an update
 * or a permission removed in the browser's settings never leaves them out of step.
 */
import { browser } from 'wxt/browser';
import { builtInMatches } from '@/lib/adapters/builtin';
import type { KehilaDb } from '@/lib/db/db';
import type { SiteStatus } from '@/lib/messages/schema';
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
