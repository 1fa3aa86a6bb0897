import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPage, extractPosts } from '@/lib/adapters/extract';
import { reddit } from '@/lib/adapters/reddit';
import type { PageContext } from '@/lib/adapters/types';
import { parsePage } from '@/lib/cli/load-page';
import { ObservedPost } from '@/lib/model/observed';

const OBSERVED_AT = new Date('2026-08-18T18:00:00.000Z');

function fixture(name: string): string {
  return readFileSync(path.join(__dirname, 'reddit', name), 'utf8');
}

function load(name: string, url: string) {
  return parsePage(fixture(name), url);
}

function extract(name: string, url: string) {
  const { doc, url: pageUrl } = load(name, url);
  const result = extractPage(reddit, doc, pageUrl, OBSERVED_AT);
  if (!result) throw new Error(`no community for ${name}`);
  for (const post of result.posts) ObservedPost.parse(post);
  return { doc, pageUrl, result, byId: new Map(result.posts.map((post) => [post.id, post])) };
}

/**
 * Append the fixture's <template id="appended-later"> under `parent`, as the site does when it
 * loads more comments, and return the nodes inserted (what the runtime's observer sees).
 */
function appendLater(doc: Document, parent: Element | null | undefined): Element[] {
  const template = doc.querySelector('template#appended-later');
  if (!parent || !template || !('content' in template)) throw new Error('fixture lacks the appended subtree');
  const nodes = Array.from((template as HTMLTemplateElement).content.cloneNode(true).childNodes).filter(
    (node): node is Element => node.nodeType === 1,
  );
  parent.append(...nodes);
  return nodes;
}

function context(doc: Document, url: URL): PageContext {
  const community = reddit.community(doc, url);
  if (!community) throw new Error('no community');
  return { url, community, observedAt: OBSERVED_AT };
}

const OLD_THREAD = 'https://old.reddit.com/r/Kehila_Test/comments/abc123/how_do_you_onboard_new_members/';
const REDESIGN_THREAD = 'https://new.reddit.com/r/Kehila_Test/comments/def456/best_onboarding_tools/';
const REDESIGN_FEED = 'https://www.reddit.com/r/Kehila_Test/';
// The saved shreddit page names only the home page (see the corpus); the DOM says which subreddit.
const SHREDDIT_THREAD = 'https://www.reddit.com/';
const SHREDDIT_FEED = 'https://www.reddit.com/r/Kehila_Test/';

describe('reddit: detection', () => {
  const pages: Array<[string, string]> = [
    ['old-thread.html', OLD_THREAD],
    ['old-listing.html', 'https://old.reddit.com/r/Kehila_Test/'],
    ['redesign-thread.html', REDESIGN_THREAD],
    ['redesign-feed-2019.html', REDESIGN_FEED],
    ['shreddit-thread.html', SHREDDIT_THREAD],
    ['shreddit-feed.html', SHREDDIT_FEED],
  ];

  it.each(pages)('detects %s', (name, url) => {
    const { doc, url: pageUrl } = load(name, url);
    expect(reddit.detect(doc, pageUrl)).toBe(true);
  });

  it.each(['https://reddit.com/r/x/', 'https://np.reddit.com/r/x/', 'https://new.reddit.com/r/x/', 'https://de.reddit.com/r/x/'])(
    'accepts the host %s',
    (url) => {
      const { doc, url: pageUrl } = load('old-thread.html', url);
      expect(reddit.detect(doc, pageUrl)).toBe(true);
    },
  );

  it.each(pages)('does not claim %s on another host', (name) => {
    const { doc, url } = load(name, 'https://notreddit.com/r/Kehila_Test/');
    expect(reddit.detect(doc, url)).toBe(false);
  });

  it('does not claim a reddit-hosted page without reddit markup', () => {
    const { doc, url } = parsePage('<html><body><div class="topic-post"><a href="/u/sam">sam</a></div></body></html>', 'https://www.reddit.com/r/x/');
    expect(reddit.detect(doc, url)).toBe(false);
  });

  it('does not claim a forum page whose markup merely mentions reddit', () => {
    const html =
      '<html><head><meta name="generator" content="Discourse 3.2"></head><body>' +
      '<article id="post_1" data-post-id="1"><a href="https://www.reddit.com/user/sam/">sam on reddit</a></article></body></html>';
    const { doc, url } = parsePage(html, 'https://meta.discourse.org/t/x/1');
    expect(reddit.detect(doc, url)).toBe(false);
  });
});

describe('reddit: communities', () => {
  it('reads the subreddit from the DOM before the URL, lowercased in the id', () => {
    const { doc, url } = load('shreddit-thread.html', SHREDDIT_THREAD);
    expect(reddit.community(doc, url)).toEqual({
      id: 'reddit:r/kehila_test',
      platform: 'reddit',
      name: 'r/Kehila_Test',
      url: 'https://www.reddit.com/r/Kehila_Test/',
    });
  });

  it('prefers the DOM when the URL names another subreddit', () => {
    const { doc, url } = load('old-thread.html', 'https://old.reddit.com/r/SomethingElse/comments/abc123/x/');
    expect(reddit.community(doc, url)?.id).toBe('reddit:r/kehila_test');
  });

  it('falls back to the URL when the DOM names no subreddit', () => {
    const { doc, url } = parsePage('<html><body><div id="siteTable"></div></body></html>', 'https://old.reddit.com/r/Empty_Sub/');
    expect(reddit.community(doc, url)?.id).toBe('reddit:r/empty_sub');
  });

  it('has no community for a feed that mixes subreddits (r/all)', () => {
    const html =
      '<html><body><div id="siteTable">' +
      '<div class="thing link" data-fullname="t3_a1" data-subreddit="aww" data-author="x1"></div>' +
      '<div class="thing link" data-fullname="t3_a2" data-subreddit="news" data-author="x2"></div>' +
      '</div></body></html>';
    const { doc, url } = parsePage(html, 'https://old.reddit.com/r/all/');
    expect(reddit.community(doc, url)).toBeUndefined();
    // On a multireddit-like URL that names one of them, that one is the page's community.
    const named = parsePage(html, 'https://old.reddit.com/r/news/');
    expect(reddit.community(named.doc, named.url)?.id).toBe('reddit:r/news');
  });

  it('has no community for the home feed even when its posts share a subreddit', () => {
    const { doc, url } = load('shreddit-feed.html', 'https://www.reddit.com/');
    expect(reddit.community(doc, url)).toBeUndefined();
    const popular = load('old-listing.html', 'https://old.reddit.com/r/popular/');
    expect(reddit.community(popular.doc, popular.url)).toBeUndefined();
  });

  it('ignores promoted posts when reading the subreddit', () => {
    const { doc, url } = load('old-listing.html', 'https://old.reddit.com/r/Kehila_Test/');
    expect(reddit.community(doc, url)?.id).toBe('reddit:r/kehila_test');
    const promotedOnly = parsePage(
      '<html><body><div id="siteTable"><div class="thing link promoted" data-promoted="true" data-fullname="t3_ad1" data-subreddit="u_BrandCo" data-author="BrandCo"></div></div></body></html>',
      'https://old.reddit.com/r/Kehila_Test/',
    );
    expect(reddit.community(promotedOnly.doc, promotedOnly.url)?.id).toBe('reddit:r/kehila_test');
  });
});

describe('reddit: old.reddit.com', () => {
  it('reads the post, comments and replies with ids, parents and times', () => {
    const { result, byId } = extract('old-thread.html', OLD_THREAD);
    expect(result.failures).toEqual([]);
    expect(result.posts.map((post) => post.id)).toEqual([
      'reddit:t3_abc123',
      'reddit:t1_c1aaa1',
      'reddit:t1_c2bbb2',
      'reddit:t1_c4ddd4',
    ]);
    expect(byId.get('reddit:t3_abc123')).toEqual({
      id: 'reddit:t3_abc123',
      communityId: 'reddit:r/kehila_test',
      threadId: 'reddit:t3_abc123',
      parentId: null,
      kind: 'post',
      author: { id: 'reddit:op_person', name: 'OP_Person', profileUrl: 'https://www.reddit.com/user/OP_Person/', isWeak: false },
      publishedAt: '2026-08-17T23:12:14.000Z',
      url: 'https://www.reddit.com/r/Kehila_Test/comments/abc123/how_do_you_onboard_new_members/',
      text: 'How do you onboard new members?\nWe are a small community. Thanks to u/SomeHelper for the idea.\nWhat works for you?',
    });
    expect(byId.get('reddit:t1_c1aaa1')).toMatchObject({
      kind: 'comment',
      threadId: 'reddit:t3_abc123',
      parentId: 'reddit:t3_abc123',
      author: { id: 'reddit:alice_01', name: 'Alice_01' },
      // The creation time, not the "last edited" one.
      publishedAt: '2026-08-17T23:24:15.000Z',
      url: 'https://www.reddit.com/r/Kehila_Test/comments/abc123/how_do_you_onboard_new_members/c1aaa1/',
      text: 'Welcome threads work well.',
    });
    expect(byId.get('reddit:t1_c2bbb2')).toMatchObject({
      kind: 'reply',
      parentId: 'reddit:t1_c1aaa1',
      author: { id: 'reddit:bob-2' },
      // The hidden edit box of one's own comment is not part of the text.
      text: 'Agreed, and pin them.',
    });
  });

  it('skips deleted comments but keeps their replies, parented to them', () => {
    const { result, byId } = extract('old-thread.html', OLD_THREAD);
    expect(byId.has('reddit:t1_c3ccc3')).toBe(false);
    expect(result.posts.some((post) => post.author.name.includes('deleted'))).toBe(false);
    expect(byId.get('reddit:t1_c4ddd4')).toMatchObject({ kind: 'reply', parentId: 'reddit:t1_c3ccc3', author: { id: 'reddit:carol_c' } });
  });

  it('does not count a "load more comments" stub as a post', () => {
    const { doc } = load('old-thread.html', OLD_THREAD);
    const ids = reddit.findPosts(doc).map((el) => el.getAttribute('data-fullname'));
    expect(ids).toEqual(['t3_abc123', 't1_c1aaa1', 't1_c2bbb2', 't1_c3ccc3', 't1_c4ddd4']);
  });

  it('skips promoted links and posts by deleted accounts in listings', () => {
    const { result } = extract('old-listing.html', 'https://old.reddit.com/r/Kehila_Test/');
    expect(result.candidates).toBe(3);
    expect(result.posts.map((post) => [post.id, post.author.id])).toEqual([['reddit:t3_lnk111', 'reddit:dana_d']]);
    expect(result.posts[0]?.publishedAt).toBe('2026-08-17T20:53:20.000Z');
  });

  it('finds only the new comments in a "load more comments" subtree', () => {
    const { doc, url } = load('old-thread.html', OLD_THREAD);
    const [added] = appendLater(doc, doc.querySelector('#siteTable_t1_c1aaa1'));
    if (!added) throw new Error('nothing appended');
    // The runtime calls findPosts on the inserted node itself.
    expect(reddit.findPosts(added)).toEqual([added]);
    const { posts } = extractPosts(reddit, added, context(doc, url));
    expect(posts).toEqual([
      expect.objectContaining({ id: 'reddit:t1_c5eee5', kind: 'reply', parentId: 'reddit:t1_c1aaa1', author: expect.objectContaining({ id: 'reddit:dev_null' }), text: 'Late to the party.' }),
    ]);
    // The whole page now holds it once, beside the others.
    expect(reddit.findPosts(doc).filter((el) => el === added)).toHaveLength(1);
    expect(reddit.findPosts(doc)).toHaveLength(6);
  });

  it('anchors the badge on the author link and finds the open reply boxes', () => {
    const { doc } = load('old-thread.html', OLD_THREAD);
    const [post, alice, bob] = reddit.findPosts(doc);
    if (!post || !alice || !bob) throw new Error('missing posts');
    expect(reddit.badgeAnchor(post)?.textContent).toBe('OP_Person');
    expect(reddit.badgeAnchor(alice)?.matches('a.author')).toBe(true);
    expect(reddit.badgeAnchor(alice)?.textContent).toBe('Alice_01');
    expect(reddit.badgeAnchor(bob)?.textContent).toBe('bob-2');
    expect(reddit.replyBox(post)?.closest('form')?.id).toBe('form-t3_abc123top');
    expect(reddit.replyBox(alice)?.closest('form')?.id).toBe('form-t1_c1aaa1reply');
    // Bob's only textarea is the edit box of his own comment, not a reply box.
    expect(reddit.replyBox(bob)).toBeUndefined();
  });
});

describe('reddit: 2018-2023 redesign', () => {
  it('reads the post page: post, comments, replies, relative times', () => {
    const { result, byId } = extract('redesign-thread.html', REDESIGN_THREAD);
    expect(result.failures).toEqual([]);
    expect(result.community.id).toBe('reddit:r/kehila_test');
    expect(result.posts.map((post) => post.id)).toEqual([
      'reddit:t3_def456',
      'reddit:t1_r1aaaa',
      'reddit:t1_r2bbbb',
      'reddit:t1_r5eeee',
    ]);
    expect(byId.get('reddit:t3_def456')).toEqual({
      id: 'reddit:t3_def456',
      communityId: 'reddit:r/kehila_test',
      threadId: 'reddit:t3_def456',
      parentId: null,
      kind: 'post',
      author: { id: 'reddit:poster_one', name: 'Poster_One', profileUrl: 'https://www.reddit.com/user/Poster_One/', isWeak: false },
      publishedAt: '2026-08-18T13:00:00.000Z',
      url: 'https://www.reddit.com/r/Kehila_Test/comments/def456/best_onboarding_tools/',
      text: 'Best onboarding tools?\nLooking for bots or checklists. Ping u/Helper_Bot if you know one.',
    });
    expect(byId.get('reddit:t1_r1aaaa')).toMatchObject({
      kind: 'comment',
      threadId: 'reddit:t3_def456',
      parentId: 'reddit:t3_def456',
      // The u/SomeoneElse mention in the body is not the author.
      author: { id: 'reddit:erin_q', name: 'Erin_Q' },
      publishedAt: '2026-08-18T16:00:00.000Z',
      url: 'https://www.reddit.com/r/Kehila_Test/comments/def456/comment/r1aaaa/',
      text: 'We use a welcome bot. Ask u/SomeoneElse about it.',
    });
    // Only the avatar link names frank99; the thread lines say whose reply it is.
    expect(byId.get('reddit:t1_r2bbbb')).toMatchObject({ kind: 'reply', parentId: 'reddit:t1_r1aaaa', author: { id: 'reddit:frank99' } });
    expect(byId.get('reddit:t1_r5eeee')).toMatchObject({ kind: 'reply', parentId: 'reddit:t1_r3cccc', publishedAt: OBSERVED_AT.toISOString() });
  });

  it('skips deleted comments and comments by deleted accounts, and "more replies" stubs', () => {
    const { doc } = load('redesign-thread.html', REDESIGN_THREAD);
    const found = reddit.findPosts(doc).map((el) => el.id);
    expect(found).toEqual(['t3_def456', 't1_r1aaaa', 't1_r2bbbb', 't1_r3cccc', 't1_r4dddd', 't1_r5eeee']);
    const { byId } = extract('redesign-thread.html', REDESIGN_THREAD);
    expect(byId.has('reddit:t1_r3cccc')).toBe(false);
    expect(byId.has('reddit:t1_r4dddd')).toBe(false);
  });

  it('reads a 2019 feed without test ids and skips the promoted and deleted posts', () => {
    const { result } = extract('redesign-feed-2019.html', REDESIGN_FEED);
    expect(result.candidates).toBe(4);
    expect(result.posts.map((post) => [post.id, post.author.id, post.publishedAt])).toEqual([
      ['reddit:t3_f1aaaa', 'reddit:gina_g', '2026-08-15T18:00:00.000Z'],
      ['reddit:t3_f3cccc', 'reddit:hal_9', '2026-08-07T18:00:00.000Z'],
    ]);
    expect(result.posts[1]?.text).toBe('Rules update\nPlease read the new rules.');
    expect(result.posts[1]?.url).toBe('https://www.reddit.com/r/Kehila_Test/comments/f3cccc/rules_update/');
  });

  it('finds only the new comment in an appended subtree', () => {
    const { doc, url } = load('redesign-thread.html', REDESIGN_THREAD);
    const list = doc.querySelector('.Comment.t1_r5eeee')?.closest('div[id^="t1_"]')?.parentElement?.parentElement?.parentElement?.parentElement;
    const [added] = appendLater(doc, list);
    if (!added) throw new Error('nothing appended');
    expect(reddit.findPosts(added).map((el) => el.id)).toEqual(['t1_r6ffff']);
    const { posts } = extractPosts(reddit, added, context(doc, url));
    expect(posts).toEqual([
      expect.objectContaining({
        id: 'reddit:t1_r6ffff',
        kind: 'reply',
        parentId: 'reddit:t1_r5eeee',
        threadId: 'reddit:t3_def456',
        publishedAt: '2026-08-18T17:50:00.000Z',
        author: expect.objectContaining({ id: 'reddit:ivy_late' }),
      }),
    ]);
  });

  it('anchors badges on the name link (else the avatar link) and finds the editors', () => {
    const { doc } = load('redesign-thread.html', REDESIGN_THREAD);
    const el = (id: string) => {
      const found = doc.getElementById(id);
      if (!found) throw new Error(id);
      return found;
    };
    expect(reddit.badgeAnchor(el('t3_def456'))?.getAttribute('data-testid')).toBe('post_author_link');
    expect(reddit.badgeAnchor(el('t1_r1aaaa'))?.getAttribute('data-testid')).toBe('comment_author_link');
    expect(reddit.badgeAnchor(el('t1_r2bbbb'))?.getAttribute('data-testid')).toBe('comment_author_icon');
    expect(reddit.badgeAnchor(el('t1_r3cccc'))).toBeUndefined();
    const postBox = reddit.replyBox(el('t3_def456'));
    expect(postBox?.getAttribute('aria-label')).toBe('Comment');
    expect(reddit.replyBox(el('t1_r1aaaa'))?.getAttribute('contenteditable')).toBe('true');
    expect(reddit.replyBox(el('t1_r1aaaa'))).not.toBe(postBox);
    expect(reddit.replyBox(el('t1_r2bbbb'))).toBeUndefined();
  });

  it('says when a comment wrapper lost its .Comment', () => {
    const { doc, url } = load('redesign-thread.html', REDESIGN_THREAD);
    const comment = doc.getElementById('t1_r1aaaa');
    comment?.querySelector('.Comment')?.classList.remove('Comment');
    if (!comment) throw new Error('no comment');
    expect(() => reddit.parsePost(comment, context(doc, url))).toThrow(/Expected a \.Comment/);
  });
});

describe('reddit: shreddit', () => {
  it('reads the post and nested comments from their attributes', () => {
    const { result, byId } = extract('shreddit-thread.html', SHREDDIT_THREAD);
    expect(result.failures).toEqual([]);
    expect(result.posts.map((post) => post.id)).toEqual([
      'reddit:t3_ghi789',
      'reddit:t1_s1aaaa',
      'reddit:t1_s2bbbb',
      'reddit:t1_s4dddd',
    ]);
    expect(byId.get('reddit:t3_ghi789')).toEqual({
      id: 'reddit:t3_ghi789',
      communityId: 'reddit:r/kehila_test',
      threadId: 'reddit:t3_ghi789',
      parentId: null,
      kind: 'post',
      author: { id: 'reddit:mod_maya', name: 'Mod_Maya', profileUrl: 'https://www.reddit.com/user/Mod_Maya/', isWeak: false },
      publishedAt: '2026-08-18T14:18:25.910Z',
      url: 'https://www.reddit.com/r/Kehila_Test/comments/ghi789/moderation_tools_you_like/',
      text: 'Moderation tools you like?\nWe grew to 10k members.\nWhat do you use? cc u/Other_User',
    });
    expect(byId.get('reddit:t1_s1aaaa')).toMatchObject({
      kind: 'comment',
      threadId: 'reddit:t3_ghi789',
      parentId: 'reddit:t3_ghi789',
      author: { id: 'reddit:hana_l', name: 'Hana_L' },
      publishedAt: '2026-08-18T14:21:45.150Z',
      url: 'https://www.reddit.com/r/Kehila_Test/comments/ghi789/comment/s1aaaa/',
      // Its replies are inside it, but their text is not its text.
      text: 'AutoModerator rules, plus a welcome message.',
    });
    expect(byId.get('reddit:t1_s2bbbb')).toMatchObject({ kind: 'reply', parentId: 'reddit:t1_s1aaaa', text: 'Which rules exactly?' });
    // The same person in two comments is one member.
    expect(byId.get('reddit:t1_s4dddd')?.author.id).toBe(byId.get('reddit:t1_s1aaaa')?.author.id);
  });

  it('skips [deleted] authors, ads and more-comments stubs', () => {
    const { doc } = load('shreddit-thread.html', SHREDDIT_THREAD);
    const found = reddit.findPosts(doc).map((el) => el.getAttribute('thingid') ?? el.id);
    expect(found).toEqual(['t3_ghi789', 't1_s1aaaa', 't1_s2bbbb', 't1_s3cccc', 't1_s4dddd']);
    const { byId } = extract('shreddit-thread.html', SHREDDIT_THREAD);
    expect(byId.has('reddit:t1_s3cccc')).toBe(false);
    expect(byId.has('reddit:t3_adx001')).toBe(false);
  });

  it('reads a feed and leaves out the promoted post', () => {
    const { result } = extract('shreddit-feed.html', SHREDDIT_FEED);
    expect(result.posts.map((post) => [post.id, post.author.id, post.text])).toEqual([
      ['reddit:t3_wk0001', 'reddit:mod_maya', 'Weekly thread'],
      ['reddit:t3_wk0002', 'reddit:new_member_7', 'Hello\nGlad to be here.'],
    ]);
  });

  it('finds only the comments a "more replies" partial brings in', () => {
    const { doc, url } = load('shreddit-thread.html', SHREDDIT_THREAD);
    const [added] = appendLater(doc, doc.querySelector('shreddit-comment[thingid="t1_s4dddd"] > details'));
    if (!added) throw new Error('nothing appended');
    const { posts } = extractPosts(reddit, added, context(doc, url));
    expect(posts.map((post) => [post.id, post.kind, post.parentId, post.text])).toEqual([
      ['reddit:t1_s5eeee', 'reply', 'reddit:t1_s4dddd', 'Thanks!'],
      // No parentid attribute: the enclosing comment is the parent.
      ['reddit:t1_s6ffff', 'reply', 'reddit:t1_s5eeee', 'Welcome.'],
    ]);
    expect(reddit.badgeAnchor(added)?.textContent).toBe('Jo_M');
  });

  it('anchors the badge on the light-DOM author link and finds composers', () => {
    const { doc } = load('shreddit-thread.html', SHREDDIT_THREAD);
    const [post, s1, s2, s3] = reddit.findPosts(doc);
    if (!post || !s1 || !s2 || !s3) throw new Error('missing posts');
    expect(reddit.badgeAnchor(post)?.getAttribute('href')).toBe('https://www.reddit.com/user/Mod_Maya/');
    const anchor = reddit.badgeAnchor(s1);
    // The name link in the meta row, not the avatar link before it.
    expect(anchor?.closest('[slot="commentMeta"]')).not.toBeNull();
    expect(anchor?.textContent?.trim()).toBe('Hana_L');
    expect(reddit.badgeAnchor(s2)?.textContent).toBe('ivan-k');
    expect(reddit.badgeAnchor(s3)).toBeUndefined();
    expect(reddit.replyBox(post)?.getAttribute('placeholder')).toBe('Join the conversation');
    expect(reddit.replyBox(s2)?.getAttribute('placeholder')).toBe('Reply');
    // s1's only composer belongs to its reply s2.
    expect(reddit.replyBox(s1)).toBeUndefined();
  });

  it('falls back to the element showing the name when the meta row has no link', () => {
    const html =
      '<html><body><shreddit-app><shreddit-comment author="Kim_K" thingid="t1_k1" depth="0" postid="t3_p1" permalink="/r/Kehila_Test/comments/p1/comment/k1/">' +
      '<div slot="commentMeta"><span class="x"><span class="y">Kim_K</span></span></div><div slot="comment"><p>Hi</p></div></shreddit-comment></shreddit-app></body></html>';
    const { doc } = parsePage(html, 'https://www.reddit.com/r/Kehila_Test/comments/p1/x/');
    const [comment] = reddit.findPosts(doc);
    if (!comment) throw new Error('no comment');
    expect(reddit.badgeAnchor(comment)?.className).toBe('y');
  });

  it('says when a comment carries no usable thingid', () => {
    const html = '<html><body><shreddit-app><shreddit-comment author="Kim_K" thingid="oops"></shreddit-comment></shreddit-app></body></html>';
    const { doc, url } = parsePage(html, 'https://www.reddit.com/r/Kehila_Test/comments/p1/x/');
    const [comment] = reddit.findPosts(doc);
    if (!comment) throw new Error('no comment');
    expect(() => reddit.parsePost(comment, context(doc, url))).toThrow(/Expected a t1_ thingid/);
  });
});
