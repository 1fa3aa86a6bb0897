/**
 * Settings live in browser.storage.local (DESIGN.md): small, typed, versioned, never in the
 * page's storage. A stored value that fails validation falls back to the defaults field by
 * field, so a bad write can never lock the user out.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod/mini';

export const SETTINGS_KEY = 'settings';

export const Settings = z.object({
  version: z._default(z.literal(1), 1),
  /** How the manager signs notes and is named in replies ({{manager.name}}). */
  managerName: z._default(z.catch(z.string().check(z.trim(), z.minLength(1), z.maxLength(80)), 'me'), 'me'),
});
export type Settings = z.infer<typeof Settings>;

export async function loadSettings(): Promise<Settings> {
  const stored = (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY];
  const parsed = Settings.safeParse(stored ?? {});
  return parsed.success ? parsed.data : Settings.parse({});
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = Settings.parse({ ...(await loadSettings()), ...patch });
  await browser.storage.local.set({ [SETTINGS_KEY]: next });
  return next;
}
