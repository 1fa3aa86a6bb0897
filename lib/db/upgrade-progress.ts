/**
 * A schema upgrade that rewrites a whole table keeps every message waiting until it is done
 * (v5 rewrites every member row: 24 s for 100,000 members in Chromium). Whichever extension
 * context opens the database first runs the upgrade and publishes how far it is here, in
 * `browser.storage.session`, so the popup and the dashboard can say what is happening instead of
 * showing nothing (components/UpgradeNotice.tsx).
 */
import { browser } from 'wxt/browser';

export interface UpgradeProgress {
  /** The schema version being upgraded to. */
  version: number;
  /** Rows read or written so far, of `total`. */
  done: number;
  total: number;
}

const KEY = 'kehila:upgrade';

/**
 * Publish how far an upgrade is. Called inside the upgrade's IndexedDB transaction, which must
 * never wait on anything else: the write is not awaited, and a failure to write it (storage
 * unavailable) changes nothing for the upgrade.
 */
export function publishUpgradeProgress(progress: UpgradeProgress): void {
  try {
    void browser.storage.session.set({ [KEY]: progress }).catch(() => undefined);
  } catch {
    // No session storage in this context: the upgrade goes on unannounced.
  }
}

/** The database is open: no upgrade is running (one that was interrupted starts again on the next open). */
export async function clearUpgradeProgress(): Promise<void> {
  try {
    await browser.storage.session.remove(KEY);
  } catch {
    // Nothing was published, or nothing can be.
  }
}

export async function readUpgradeProgress(): Promise<UpgradeProgress | undefined> {
  try {
    return asProgress((await browser.storage.session.get(KEY))[KEY]);
  } catch {
    return undefined;
  }
}

/** Call `listener` with each change of the published progress (undefined once it is cleared). */
export function watchUpgradeProgress(listener: (progress: UpgradeProgress | undefined) => void): () => void {
  const onChanged = (changes: Record<string, { newValue?: unknown }>) => {
    if (KEY in changes) listener(asProgress(changes[KEY]?.newValue));
  };
  browser.storage.session.onChanged.addListener(onChanged);
  return () => browser.storage.session.onChanged.removeListener(onChanged);
}

/** A stored value as progress; undefined for anything else (absent, or not three counts). */
function asProgress(value: unknown): UpgradeProgress | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { version, done, total } = value as Record<string, unknown>;
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!isCount(version) || !isCount(done) || !isCount(total) || total === 0) return undefined;
  return { version, done: Math.min(done, total), total };
}
