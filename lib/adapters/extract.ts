import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import type { PageContext, SiteAdapter } from './types';

export interface PostFailure {
  /** Short description of where it failed (element id or index). */
  where: string;
  message: string;
}

export interface PageExtraction {
  adapter: SiteAdapter;
  community: ObservedCommunity;
  posts: ObservedPost[];
  /** Post elements found but not parsed because the adapter threw on them. */
  failures: PostFailure[];
  /** How many post elements the adapter found (parsed, skipped or failed). */
  candidates: number;
}

/**
 * Run one adapter over a whole page or subtree. Used by the content runtime, the extract CLI
 * and the corpus tests alike, so all three see the same results. One failing post does not stop
 * the others.
 */
export function extractPosts(adapter: SiteAdapter, root: ParentNode, page: PageContext): Omit<PageExtraction, 'adapter' | 'community'> {
  const posts: ObservedPost[] = [];
  const failures: PostFailure[] = [];
  const seen = new Set<string>();
  const elements = adapter.findPosts(root);
  elements.forEach((el, index) => {
    try {
      const post = adapter.parsePost(el, page);
      if (post && !seen.has(post.id)) {
        seen.add(post.id);
        posts.push(post);
      }
    } catch (error) {
      failures.push({ where: el.id ? `#${el.id}` : `post ${index + 1}`, message: errorMessage(error) });
    }
  });
  return { posts, failures, candidates: elements.length };
}

export function extractPage(adapter: SiteAdapter, doc: Document, url: URL, observedAt = new Date()): PageExtraction | undefined {
  const community = adapter.community(doc, url);
  if (!community) return undefined;
  const result = extractPosts(adapter, doc, { url, community, observedAt });
  return { adapter, community, ...result };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
