import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPage } from '@/lib/adapters/extract';
import { generic, isUiName, stableHash } from '@/lib/adapters/generic';
import { detectAdapter } from '@/lib/adapters/index';
import type { PageContext } from '@/lib/adapters/types';
import { parsePage } from '@/lib/cli/load-page';
import { ObservedPost } from '@/lib/model/observed';

const observedAt = new Date('2024-06-01T12:00:00Z');

function fixture(name: string, url?: string) {
  return parsePage(readFileSync(path.join(__dirname, 'generic', name), 'utf8'), url);
}

function extract(name: string, url?: string) {
  const { doc, url: pageUrl } = fixture(name, url);
  const result = extractPage(generic, doc, pageUrl, observedAt);
  if (!result) throw new Error(`no community for ${name}`);
  for (const post of result.posts) ObservedPost.parse(post);
  return { doc, url: pageUrl, ...result };
}

function pageOf(doc: Document, url: URL): PageContext {
  const community = generic.community(doc, url);
  if (!community) throw new Error('no community');
  return { url, community, observedAt };
}

const inline = (body: string, head = '', url = 'https://forum.example.net/t/1') =>
  parsePage(`<!DOCTYPE html><html><head>${head}</head><body>${body}</body></html>`, url);

describe('generic: detection', () => {
  it.each(['microdata-thread.html', 'microdata-qa.html', 'jsonld-graph.html'])('claims %s', (name) => {
    const { doc, url } = fixture(name);
    expect(generic.detect(doc, url)).toBe(true);
    // No other registered adapter claims a plain schema.org page.
    expect(detectAdapter(doc, url)?.id).toBe('generic');
  });

  it('does not claim a page whose JSON-LD is only WebSite, BreadcrumbList and Organization', () => {
    const { doc, url } = fixture('website-only.html');
    expect(generic.detect(doc, url)).toBe(false);
    expect(generic.findPosts(doc)).toEqual([]);
  });

  it('does not claim FAQ markup (Question/Answer without authors)', () => {
    const faqLd = `<script type="application/ld+json">{"@context":"https://schema.org","@type":"FAQPage","mainEntity":[
      {"@type":"Question","name":"Do you ship abroad?","acceptedAnswer":{"@type":"Answer","text":"Yes."}}]}</script>`;
    const faqMicrodata = `<div itemscope itemtype="https://schema.org/FAQPage"><div itemprop="mainEntity" itemscope itemtype="https://schema.org/Question">
      <h3 itemprop="name">Returns?</h3><div itemprop="acceptedAnswer" itemscope itemtype="https://schema.org/Answer"><p itemprop="text">30 days.</p></div></div></div>`;
    for (const page of [inline('', faqLd), inline(faqMicrodata)]) {
      expect(generic.detect(page.doc, page.url)).toBe(false);
    }
  });

  it("does not claim a social post's comments (Facebook m. pages carry SocialMediaPosting JSON-LD)", () => {
    const ld = `<script type="application/ld+json">{"\\u0040context":"https://schema.org","\\u0040type":"SocialMediaPosting","articleBody":"New wallpapers",
      "author":{"\\u0040type":"Organization","name":"Nintendo"},"comment":[{"\\u0040type":"Comment","text":"Cool","author":{"\\u0040type":"Person","name":"Justin","url":"https://www.facebook.com/justin"}}]}</script>`;
    const { doc, url } = inline('', ld, 'https://m.facebook.com/story.php?story_fbid=1');
    expect(generic.detect(doc, url)).toBe(false);
  });

  it('does not claim an Article with only breadcrumb microdata, or broken JSON-LD', () => {
    const article = inline(
      '<article itemscope itemtype="https://schema.org/Article"><span itemprop="author">Ruth</span><p itemprop="articleBody">News</p></article>',
      '<script type="application/ld+json">{"@type": "DiscussionForumPosting", "author": </script>',
    );
    expect(generic.detect(article.doc, article.url)).toBe(false);
  });
});

describe('generic: microdata thread', () => {
  it('reads the opener, nested comments and a reply with their ids and places', () => {
    const { posts, community, candidates } = extract('microdata-thread.html');
    expect(community).toEqual({
      id: 'generic:forum.greenhouse.example',
      platform: 'generic',
      name: 'Greenhouse Forum',
      url: 'https://forum.greenhouse.example',
    });
    // Six items, the deleted account's comment skipped.
    expect(candidates).toBe(6);
    const scope = 'generic:forum.greenhouse.example';
    const thread = `${scope}:/t/solar-panels-north-roof/77`;
    expect(posts.map((post) => [post.id, post.kind, post.parentId, post.threadId])).toEqual([
      [thread, 'post', null, thread],
      [`${scope}:/t/solar-panels-north-roof/77#c-101`, 'comment', thread, thread],
      [`${scope}:/t/solar-panels-north-roof/77#c-102`, 'reply', `${scope}:/t/solar-panels-north-roof/77#c-101`, thread],
      [`${scope}:post-5150`, 'comment', thread, thread],
      [expect.stringMatching(/^generic:forum\.greenhouse\.example:h-[0-9a-f]{16}$/), 'comment', thread, thread],
    ]);
  });

  it('reads authors: profile path as key, the name alone as a weak key', () => {
    const { posts } = extract('microdata-thread.html');
    expect(posts[0]?.author).toEqual({
      id: 'generic:forum.greenhouse.example:/u/maya_k',
      name: 'Maya K',
      profileUrl: 'https://forum.greenhouse.example/u/maya_k',
      isWeak: false,
    });
    // The same person in the reply keeps one id.
    expect(posts[2]?.author.id).toBe(posts[0]?.author.id);
    expect(posts[3]?.author).toEqual({
      id: 'generic:forum.greenhouse.example:name:rina from acre',
      name: 'Rina from Acre',
      profileUrl: null,
      isWeak: true,
    });
    expect(posts.map((post) => post.author.name)).not.toContain('[deleted]');
  });

  it('reads times from datetime and content, text of the body only, and permalinks', () => {
    const { posts } = extract('microdata-thread.html');
    expect(posts.map((post) => post.publishedAt)).toEqual([
      '2024-03-02T09:15:00.000Z',
      '2024-03-02T08:00:00.000Z',
      '2024-03-02T11:30:00.000Z',
      '2024-03-03T08:00:00.000Z', // "2024-03-03 08:00" as element text, read as UTC
      '2024-03-04T07:45:00.000Z',
    ]);
    expect(posts[0]?.text).toBe('Our roof faces north. Is it still worth putting panels up?\nWe are in Haifa, if that matters.');
    expect(posts[1]?.text).toBe('East-west works better than you think.');
    expect(posts[0]?.url).toBe('https://forum.greenhouse.example/t/solar-panels-north-roof/77');
    expect(posts[2]?.url).toBe('https://forum.greenhouse.example/t/solar-panels-north-roof/77#c-102');
    expect(posts[4]?.url).toBeNull();
  });

  it('keeps hash keys stable across pages and parses', () => {
    const first = extract('microdata-thread.html').posts[4]?.id;
    const second = extract('microdata-thread.html', 'https://forum.greenhouse.example/t/solar-panels-north-roof/77?page=1').posts[4]?.id;
    expect(first).toBe(second);
  });

  it('finds posts in an inserted subtree, including the subtree root, once each', () => {
    const { doc } = fixture('microdata-thread.html');
    const comment = doc.getElementById('c-101');
    expect(comment).not.toBeNull();
    const found = generic.findPosts(comment!);
    expect(found.map((el) => el.id)).toEqual(['c-101', 'c-102']);
    const all = generic.findPosts(doc);
    expect(new Set(all).size).toBe(all.length);
  });

  it('puts the badge after the author name link and finds the reply box inside the post', () => {
    const { doc } = fixture('microdata-thread.html');
    const opener = doc.getElementById('post-1')!;
    const anchor = generic.badgeAnchor(opener);
    expect(anchor?.tagName).toBe('A');
    expect(anchor?.textContent).toBe('Maya K');
    expect(generic.replyBox(opener)?.tagName).toBe('TEXTAREA');
    expect(generic.badgeAnchor(doc.getElementById('c-102')!)?.getAttribute('href')).toBe('/u/maya_k');
  });
});

describe('generic: microdata Q&A', () => {
  it('reads a question and its answers, and a comment on an answer as a reply', () => {
    const { posts } = extract('microdata-qa.html');
    const scope = 'generic:plants.example.com';
    expect(posts.map((post) => [post.id, post.kind, post.parentId, post.author.name])).toEqual([
      [`${scope}:/q/314`, 'post', null, 'Noa'],
      [`${scope}:/a/900`, 'comment', `${scope}:/q/314`, 'Avi B.'],
      [`${scope}:/questions/314/how-do-i-water-succulents-in-winter#comment-55`, 'reply', `${scope}:/a/900`, 'Noa'],
      [`${scope}:/a/901`, 'comment', `${scope}:/q/314`, 'Lior'],
    ]);
    expect(posts.every((post) => post.threadId === `${scope}:/q/314`)).toBe(true);
  });

  it('takes the linked author card over an unlinked editor card', () => {
    const { posts } = extract('microdata-qa.html');
    expect(posts[0]?.author).toMatchObject({ id: 'generic:plants.example.com:/users/42/noa', isWeak: false });
    // The comment's author is a bare itemprop="author" link.
    expect(posts[2]?.author.id).toBe('generic:plants.example.com:/users/42/noa');
    expect(posts[0]?.publishedAt).toBe('2023-11-20T08:00:00.000Z');
    expect(posts[1]?.text).toBe('Once a month, and only when the soil is dry.');
  });

  it('badges the answer author link', () => {
    const { doc } = fixture('microdata-qa.html');
    expect(generic.badgeAnchor(doc.getElementById('answer-901')!)?.getAttribute('href')).toBe('/users/8/lior');
    expect(generic.replyBox(doc.getElementById('answer-901')!)).toBeUndefined();
  });
});

describe('generic: flat postings', () => {
  // Discourse 2.x crawler view: every post of a topic is a top-level DiscussionForumPosting.
  const post = (name: string, date: string, body: string, url = '') =>
    `<div itemscope itemtype="http://schema.org/DiscussionForumPosting">${url ? `<a itemprop="url" href="${url}">#</a>` : ''}
      <span itemprop="author" itemscope itemtype="http://schema.org/Person"><a itemprop="url" href="/u/${name}"><span itemprop="name">${name}</span></a></span>
      <meta itemprop="datePublished" content="${date}"><div itemprop="articleBody">${body}</div></div>`;

  it('treats later postings without their own URL as comments in the page thread', () => {
    const { doc, url } = inline(
      post('ann', '2024-01-01T10:00:00Z', 'Hello') + post('ben', '2024-01-01T11:00:00Z', 'Hi Ann'),
      '<link rel="canonical" href="https://forum.example.net/t/hello/9">',
    );
    const result = extractPage(generic, doc, url, observedAt)!;
    const thread = 'generic:forum.example.net:/t/hello/9';
    expect(result.posts.map((p) => [p.kind, p.parentId, p.threadId])).toEqual([
      ['post', null, thread],
      ['comment', thread, thread],
    ]);
  });

  it('treats postings that link to pages of their own as separate threads (a topic list)', () => {
    const { doc, url } = inline(
      post('ann', '2024-01-01T10:00:00Z', 'First topic', '/t/first/1') + post('ben', '2024-01-02T10:00:00Z', 'Second topic', '/t/second/2'),
      '',
      'https://forum.example.net/latest',
    );
    const result = extractPage(generic, doc, url, observedAt)!;
    expect(result.posts.map((p) => [p.id, p.kind, p.threadId])).toEqual([
      ['generic:forum.example.net:/t/first/1', 'post', 'generic:forum.example.net:/t/first/1'],
      ['generic:forum.example.net:/t/second/2', 'post', 'generic:forum.example.net:/t/second/2'],
    ]);
  });

  it('threads top-level comments under the page when no opener is marked up', () => {
    const { doc, url } = inline(
      `<article itemscope itemtype="https://schema.org/BlogPosting"><h1 itemprop="headline">Post</h1>
        <div id="comment-7" itemprop="comment" itemscope itemtype="https://schema.org/Comment">
          <span itemprop="author" itemscope itemtype="https://schema.org/Person"><a itemprop="url" href="https://blog.example.net/author/ziv"><span itemprop="name">Ziv</span></a></span>
          <div itemprop="text">Nice post</div></div></article>`,
      '',
      'https://blog.example.net/2024/05/post/',
    );
    const [comment] = extractPage(generic, doc, url, observedAt)!.posts;
    expect(comment).toMatchObject({
      id: 'generic:blog.example.net:/2024/05/post/#comment-7',
      kind: 'comment',
      threadId: 'generic:blog.example.net:/2024/05/post',
      parentId: 'generic:blog.example.net:/2024/05/post',
      author: { id: 'generic:blog.example.net:/author/ziv' },
    });
  });
});

describe('generic: JSON-LD', () => {
  const scope = 'generic:square.example.org';
  const thread = `${scope}:/d/412-bike-lanes-on-herzl`;

  it('reads @graph items with nested comment arrays and parentItem references', () => {
    const { posts, candidates } = extract('jsonld-graph.html');
    expect(candidates).toBe(6);
    expect(posts.map((post) => [post.id, post.kind, post.parentId, post.threadId, post.author.name])).toEqual([
      [thread, 'post', null, thread, 'Yael Levi'],
      [`${thread}#comment-1`, 'comment', thread, thread, 'Sami'],
      [`${scope}:post-c-3`, 'reply', `${thread}#comment-1`, thread, 'Tom Quiet'],
      // "Guest" is not a member: skipped.
      [`${thread}#comment-4`, 'reply', `${thread}#comment-1`, thread, 'Yael Levi'],
      [expect.stringMatching(/^generic:square\.example\.org:h-[0-9a-f]{16}$/), 'comment', thread, thread, 'Dana R'],
    ]);
  });

  it('reads authors, times and text, decoding HTML entities', () => {
    const { posts } = extract('jsonld-graph.html');
    expect(posts[0]).toMatchObject({
      author: { id: `${scope}:/people/yael-levi`, profileUrl: 'https://square.example.org/people/yael-levi', isWeak: false },
      publishedAt: '2024-05-01T15:00:00.000Z',
      url: 'https://square.example.org/d/412-bike-lanes-on-herzl',
      text: 'The council wants to remove the bike lanes on Herzl.\nWho is coming to the meeting on Sunday?',
    });
    expect(posts[1]?.text).toBe("I'll be there & I'll bring a sign.");
    expect(posts[1]?.author.id).toBe(`${scope}:/people/sami`);
    // Same person, trailing slash or not: one member.
    expect(posts[3]?.author.id).toBe(posts[0]?.author.id);
    // A name-only author matched to a link with exactly that name gets that profile.
    expect(posts[4]?.author).toMatchObject({ id: `${scope}:/people/dana-r`, isWeak: false });
  });

  it("uses the author's visible name link as handle and badge anchor", () => {
    const { doc } = fixture('jsonld-graph.html');
    const handles = generic.findPosts(doc);
    const anchors = handles.map((handle) => generic.badgeAnchor(handle));
    expect(anchors.map((a) => a?.closest('li')?.id ?? a?.closest('div')?.className)).toEqual([
      'byline', // the opener: the name link, not the avatar or "My profile"
      'comment-1',
      undefined, // Tom Quiet: no link on the page
      undefined, // Guest
      'comment-4',
      'comment-5', // Dana R: matched by name, the JSON-LD gives no URL
    ]);
    expect(anchors[0]?.textContent).toBe('Yael Levi');
    expect(anchors[5]?.textContent).toBe('Dana R');
  });

  it('gives posts without a visible anchor a stable placeholder handle that still parses', () => {
    const { doc, url } = fixture('jsonld-graph.html');
    const first = generic.findPosts(doc);
    const second = generic.findPosts(doc);
    expect(second).toEqual(first);
    expect(second[2]).toBe(first[2]);
    const placeholder = first[2]!;
    expect(placeholder.isConnected).toBe(false);
    expect(generic.badgeAnchor(placeholder)).toBeUndefined();
    expect(generic.replyBox(placeholder)).toBeUndefined();
    expect(generic.parsePost(placeholder, pageOf(doc, url))?.author.name).toBe('Tom Quiet');
  });

  it('returns only the anchored posts inside an inserted subtree', () => {
    const { doc, url } = fixture('jsonld-graph.html');
    const item = doc.getElementById('comment-4')!;
    const found = generic.findPosts(item);
    expect(found).toHaveLength(1);
    expect(found[0]?.textContent).toBe('Yael Levi');
    expect(generic.parsePost(found[0]!, pageOf(doc, url))?.id).toBe(`${thread}#comment-4`);
    // The body alone holds no JSON-LD script: no placeholders.
    expect(generic.findPosts(doc.body).filter((el) => !el.isConnected)).toEqual([]);
  });

  it('re-reads JSON-LD that the page replaced', () => {
    const { doc, url } = fixture('jsonld-graph.html');
    expect(generic.findPosts(doc)).toHaveLength(6);
    doc.querySelector('script[type="application/ld+json"]')!.textContent = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'DiscussionForumPosting',
      url: 'https://square.example.org/d/500-new',
      text: 'New topic',
      author: { '@type': 'Person', name: 'Sami', url: '/people/sami' },
    });
    const posts = extractPage(generic, doc, url, observedAt)!.posts;
    expect(posts.map((post) => post.id)).toEqual([`${scope}:/d/500-new`]);
  });

  it('does not return a post twice when microdata and JSON-LD describe it both', () => {
    const { doc, url } = inline(
      `<div itemscope itemtype="https://schema.org/DiscussionForumPosting"><link itemprop="url" href="https://forum.example.net/t/1">
        <span itemprop="author" itemscope itemtype="https://schema.org/Person"><a href="/u/ann"><span itemprop="name">Ann</span></a></span>
        <div itemprop="articleBody">Hello</div></div>`,
      `<script type="application/ld+json">{"@context":"https://schema.org","@type":"DiscussionForumPosting","url":"https://forum.example.net/t/1",
        "text":"Hello","author":{"@type":"Person","name":"Ann","url":"/u/ann"}}</script>`,
    );
    const handles = generic.findPosts(doc);
    expect(handles).toHaveLength(1);
    expect(extractPage(generic, doc, url, observedAt)!.posts).toHaveLength(1);
  });
});

describe('generic: helpers', () => {
  it('hashes stably (ids of posts without an id depend on it)', () => {
    expect(stableHash('')).toMatch(/^[0-9a-f]{16}$/);
    expect(stableHash('Dana R\n2024-05-03T09:00:00.000Z\nOnly names here')).toBe(stableHash('Dana R\n2024-05-03T09:00:00.000Z\nOnly names here'));
    expect(stableHash('a')).not.toBe(stableHash('b'));
    expect(stableHash('ab')).not.toBe(stableHash('ba'));
    // Pinned: changing the hash would give every hash-keyed post a new id.
    expect(stableHash('Kehila')).toBe(PINNED_HASH);
  });

  it.each(['Reply', 'Like', '[deleted]', 'Guest', 'Posts: 12', '1234', 'הגב', 'رد', ''])('%s is a UI string', (name) => {
    expect(isUiName(name)).toBe(true);
  });

  it.each(['Maya K', 'guest_star', 'Dov', 'שירה', 'Replyguy'])('%s is a name', (name) => {
    expect(isUiName(name)).toBe(false);
  });
});

const PINNED_HASH = '81e8555b7b0685e4';
