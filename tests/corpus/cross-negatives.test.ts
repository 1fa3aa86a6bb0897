/**
 * Every adapter recognises its own site's pages and no other's. The generic schema.org reader
 * is the fallback: it may recognise other forums' markup (Discourse and XenForo carry
 * DiscussionForumPosting too), so for it the check is that the registry, which tries it last,
 * never hands it a page another adapter owns.
 */
import { expect, it } from 'vitest';
import { adapters, detectAdapter } from '@/lib/adapters';
import { corpusPages, describeCorpus, loadCorpusPage } from './corpus';

const FALLBACK = new Set(['generic']);

describeCorpus('cross-negatives over the real pages', () => {
  const pages = corpusPages();
  it('has pages to check', () => expect(pages.length).toBeGreaterThan(10));

  for (const { site, file } of pages) {
    it(`${file}: only the ${site} adapter (if any) claims it`, () => {
      const page = loadCorpusPage(file);
      try {
        const ownAdapter = adapters.find((adapter) => adapter.id === site);
        for (const adapter of adapters) {
          if (adapter === ownAdapter || FALLBACK.has(adapter.id)) continue;
          expect(adapter.detect(page.doc, page.url), `${adapter.id} claims ${file}`).toBe(false);
        }
        const chosen = detectAdapter(page.doc, page.url);
        if (ownAdapter) {
          if (ownAdapter.prepareSavedPage === undefined || chosen) expect(chosen?.id).toBe(site);
        } else if (chosen) {
          expect(FALLBACK.has(chosen.id), `${chosen.id} claims ${file}`).toBe(true);
        }
      } finally {
        page.close();
      }
    });
  }
});
