import { adapters } from '@/lib/adapters';
import { builtInMatches } from '@/lib/adapters/builtin';
import { runAdapters } from '@/lib/content/runtime';

/** Sites built into the manifest (Facebook, Reddit, Hacker News): their hosts are fixed. */
export default defineContentScript({
  matches: builtInMatches(),
  runAt: 'document_idle',
  main(ctx) {
    runAdapters(
      ctx,
      adapters.filter((adapter) => adapter.matches.length > 0),
    );
  },
});
