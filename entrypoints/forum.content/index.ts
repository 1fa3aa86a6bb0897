import { adapters } from '@/lib/adapters';
import { customSiteAdapter, CustomSiteRule } from '@/lib/adapters/custom';
import type { SiteAdapter } from '@/lib/adapters/types';
import { runAdapters } from '@/lib/content/runtime';
import { send } from '@/lib/messages/client';

/**
 * Forums on their own domains (Discourse, phpBB, XenForo, vBulletin, schema.org, or selectors
 * the user gave). Not in the manifest: the background registers this script for each origin
 * the user tracks (lib/background/sites.ts).
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  runAt: 'document_idle',
  async main(ctx) {
    const forumAdapters: SiteAdapter[] = adapters.filter((adapter) => adapter.matches.length === 0);
    // A rule the user wrote for this site comes first: they wrote it because nothing else fit.
    const { rule } = await send({ type: 'sites/rule', origin: location.origin }).catch(() => ({ rule: null }));
    const parsed = rule ? CustomSiteRule.safeParse(rule) : undefined;
    if (parsed?.success) forumAdapters.unshift(customSiteAdapter(parsed.data));
    runAdapters(ctx, forumAdapters);
  },
});
