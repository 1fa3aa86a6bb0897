import { builtInAdapters, builtInMatches } from '@/lib/adapters/builtin';
import { runAdapters } from '@/lib/content/runtime';

/** Sites built into the manifest (Facebook, Reddit, Hacker News): their hosts are fixed. */
export default defineContentScript({
  matches: builtInMatches(),
  runAt: 'document_idle',
  main(ctx) {
    runAdapters(ctx, builtInAdapters);
  },
});
