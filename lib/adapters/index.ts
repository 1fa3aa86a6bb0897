import { builtInAdapters } from './builtin';
import { forumAdapters } from './forums';
import { detectAdapter as detectFrom } from './detect';
import type { SiteAdapter } from './types';

/**
 * Every site adapter, most specific first: built-in hosts before DOM-fingerprinted forum
 * software, the generic schema.org reader last. (The content scripts import only their half.)
 */
export const adapters: readonly SiteAdapter[] = [...builtInAdapters, ...forumAdapters];

/** The adapter for this page, if any claims it. */
export function detectAdapter(doc: Document, url: URL, from: readonly SiteAdapter[] = adapters): SiteAdapter | undefined {
  return detectFrom(doc, url, from);
}

export function adapterById(id: string): SiteAdapter | undefined {
  return adapters.find((adapter) => adapter.id === id);
}

export type { SiteAdapter, PageContext } from './types';
export { AdapterError } from './types';
