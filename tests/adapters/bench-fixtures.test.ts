/**
 * The benchmark's generated pages (tests/bench) must stay pages the adapters read in full, or
 * `npm run bench` would time a page where Kehila does less than on a real one. No timings here.
 */
import { describe, expect, it } from 'vitest';
import { extractPage } from '@/lib/adapters/extract';
import { detectAdapter } from '@/lib/adapters/index';
import { parsePage } from '@/lib/cli/load-page';
import { ObservedPost } from '@/lib/model/observed';
import { FACEBOOK_COMMUNITY, facebookFeedUnits, facebookGroupFeed } from '../bench/facebook-feed';
import { forumPosts, forumThread } from '../bench/forum-thread';

function read(html: string, url: string) {
  const { doc, url: pageUrl, close } = parsePage(html, url);
  const adapter = detectAdapter(doc, pageUrl);
  const result = adapter ? extractPage(adapter, doc, pageUrl) : undefined;
  close();
  return { adapter: adapter?.id, result };
}

describe('bench fixtures', () => {
  it('the generated Facebook group feed yields every post and comment, each valid', () => {
    const feed = facebookGroupFeed(500);
    const { adapter, result } = read(feed.html, feed.url);
    expect(adapter).toBe('facebook');
    expect(result?.community.id).toBe(FACEBOOK_COMMUNITY);
    expect(result?.failures).toEqual([]);
    expect(result?.posts).toHaveLength(500);
    expect(result?.posts.every((post) => ObservedPost.safeParse(post).success)).toBe(true);
    const kinds = new Set(result?.posts.map((post) => post.kind));
    expect(kinds).toEqual(new Set(['post', 'comment']));
  });

  it('appended Facebook chunks have their own ids', () => {
    const first = facebookGroupFeed(100);
    const more = facebookFeedUnits({ items: 50, firstPosition: 10_000, seed: 5 });
    const page = first.html.replace('</div></div></div></div>\n</body>', `${more.html}</div></div></div></div>\n</body>`);
    expect(read(page, first.url).result?.posts).toHaveLength(150);
  });

  it('the generated Discourse topic yields every post', () => {
    const topic = forumThread(300);
    const { adapter, result } = read(topic.html, topic.url);
    expect(adapter).toBe('discourse');
    expect(result?.failures).toEqual([]);
    expect(result?.posts).toHaveLength(300);
    expect(result?.posts.every((post) => ObservedPost.safeParse(post).success)).toBe(true);
    expect(forumPosts({ first: 301, count: 2, seed: 1 })).toContain('id="post_302"');
  });
});
