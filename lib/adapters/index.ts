import type { SiteAdapter } from './types';
import { discourse } from './discourse';
import { facebook } from './facebook';
import { hackernews } from './hackernews';
import { phpbb } from './phpbb';
import { vbulletin } from './vbulletin';
import { xenforo } from './xenforo';
import { reddit } from './reddit';
import { generic } from './generic';

/**
 * Every site adapter, most specific first: built-in hosts before DOM-fingerprinted forum
 * software, the generic schema.org reader last.
 */
export const adapters: readonly SiteAdapter[] = [facebook, reddit, hackernews, discourse, phpbb, xenforo, vbulletin, generic];

/** The adapter for this page, if any claims it. */
export function detectAdapter(doc: Document, url: URL, from: readonly SiteAdapter[] = adapters): SiteAdapter | undefined {
  return from.find((adapter) => {
    try {
      return adapter.detect(doc, url);
    } catch {
      // A detector that throws on a strange page simply does not claim it.
      return false;
    }
  });
}

export function adapterById(id: string): SiteAdapter | undefined {
  return adapters.find((adapter) => adapter.id === id);
}

export type { SiteAdapter, PageContext } from './types';
export { AdapterError } from './types';
