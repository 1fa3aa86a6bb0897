import type { SiteAdapter } from './types';

/** The first of `candidates` that claims this page, if any. */
export function detectAdapter(doc: Document, url: URL, candidates: readonly SiteAdapter[]): SiteAdapter | undefined {
  return candidates.find((adapter) => {
    try {
      return adapter.detect(doc, url);
    } catch {
      // A detector that throws on a strange page simply does not claim it.
      return false;
    }
  });
}
