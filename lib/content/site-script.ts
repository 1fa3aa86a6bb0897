import { defineContentScript } from 'wxt/utils/define-content-script';
import type { SiteAdapter } from '@/lib/adapters/types';
import { runAdapters } from './runtime';

/**
 * WXT announces a content script's start twice, to stop an older copy of it (after an update):
 * with a DOM event, and, for scripts built by older WXT versions, with `window.postMessage`.
 * Every Kehila build listens for the event, so the message is off: it told the site's own
 * scripts that Kehila runs, and Chromium re-parses the whole script to note where the call
 * came from (3–7 ms of every page load, measured on the bench's Reddit and Facebook pages).
 */
export const QUIET_START = { noScriptStartedPostMessage: true } as const;

/**
 * The content script of one site built into the manifest (its hosts are fixed). Each such site
 * has its own script, so a page evaluates its own adapter and none of the others': the page
 * pays for every byte it loads (on old Reddit, evaluating the script was most of Kehila's cost).
 */
export function siteContentScript(adapter: SiteAdapter) {
  return defineContentScript({
    matches: [...adapter.matches],
    runAt: 'document_idle',
    ...QUIET_START,
    main(ctx) {
      runAdapters(ctx, [adapter]);
    },
  });
}
