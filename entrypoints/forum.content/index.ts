import { checkRule, customSiteAdapter, parseCustomSiteRule } from '@/lib/adapters/custom';
import { forumAdapters as known } from '@/lib/adapters/forums';
import type { SiteAdapter } from '@/lib/adapters/types';
import { runAdapters } from '@/lib/content/runtime';
import { QUIET_START } from '@/lib/content/site-script';
import { readBroadcast, sendWithResend } from '@/lib/messages/page-client';

/** A site's rule is one read: an answer later than this was lost, not slow. */
const RULE_RESEND_MS = 2000;

/**
 * Forums on their own domains (Discourse, phpBB, XenForo, vBulletin, schema.org, or selectors
 * the user gave). Not in the manifest: the background registers this script for each origin
 * the user tracks (lib/background/sites.ts).
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  runAt: 'document_idle',
  ...QUIET_START,
  async main(ctx) {
    // Answered from the start: the background asks whether the script runs here before giving
    // it to a page that lacks it, and the dashboard tries a custom-selector rule on this live
    // page before saving it.
    const onMessage = (raw: unknown) => {
      const message = readBroadcast(raw);
      if (message?.type === 'forum/ping') return Promise.resolve(true);
      if (message?.type === 'rules/check') return Promise.resolve(checkRule(document, new URL(location.href), message.rule));
      return undefined;
    };
    browser.runtime.onMessage.addListener(onMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));

    const forumAdapters: SiteAdapter[] = [...known];
    // A rule the user wrote for this site comes first: they wrote it because nothing else fit.
    // Everything waits for this answer, so a first message left unanswered (a worker just
    // started with the browser) is asked again soon rather than never.
    const { rule } = await sendWithResend({ type: 'sites/rule', origin: location.origin }, RULE_RESEND_MS).catch(() => ({ rule: null }));
    const parsed = rule ? parseCustomSiteRule(rule) : undefined;
    if (parsed?.success) forumAdapters.unshift(customSiteAdapter(parsed.data));
    runAdapters(ctx, forumAdapters);
  },
});
