import { adapters } from '@/lib/adapters';
import { runAdapters } from '@/lib/content/runtime';

/**
 * Forums on their own domains (Discourse, phpBB, …). Not in the manifest: the background
 * registers this script for each origin the user tracks (lib/background/sites.ts).
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  runAt: 'document_idle',
  main(ctx) {
    runAdapters(
      ctx,
      adapters.filter((adapter) => adapter.matches.length === 0),
    );
  },
});
