import { defineContentScript } from 'wxt/utils/define-content-script';
import type { SiteAdapter } from '@/lib/adapters/types';
import { runAdapters } from './runtime';

/**
 * The content script of one site built into the manifest (its hosts are fixed). Each such site
 * has its own script, so a page evaluates its own adapter and none of the others': the page
 * pays for every byte it loads (on old Reddit, evaluating the script was most of Kehila's cost).
 */
export function siteContentScript(adapter: SiteAdapter) {
  return defineContentScript({
    matches: [...adapter.matches],
    runAt: 'document_idle',
    main(ctx) {
      runAdapters(ctx, [adapter]);
    },
  });
}
