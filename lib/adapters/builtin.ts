import { facebook } from './facebook';
import { hackernews } from './hackernews';
import { reddit } from './reddit';
import type { SiteAdapter } from './types';

/**
 * Sites with fixed hosts, built into the manifest. Kept apart from the forum adapters so each
 * content script bundles only the adapters it can use (the page pays for every byte).
 */
export const builtInAdapters: readonly SiteAdapter[] = [facebook, reddit, hackernews];

/** Match patterns of every site built into the manifest. */
export function builtInMatches(): string[] {
  return [...new Set(builtInAdapters.flatMap((adapter) => adapter.matches))];
}
