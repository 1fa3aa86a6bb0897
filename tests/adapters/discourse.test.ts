import { describe, expect, it } from 'vitest';
import { discourse } from '@/lib/adapters/discourse';
import { extractPage, extractPosts } from '@/lib/adapters/extract';
import { ObservedPost } from '@/lib/model/observed';
import { fixture } from './forum-fixtures';

const URL_ = 'https://community.acme.example/t/dark-mode-for-the-mobile-app/777';
const C = 'discourse:community.acme.example';
const now = new Date('2026-11-23T12:00:00Z');

describe('discourse: Ember topic view', () => {
  const page = fixture('discourse', 'ember-topic.html', URL_);
  const result = extractPage(discourse, page.doc, page.url, now)!;

  it('detects Discourse by its generator meta, on any host', () => {
    expect(discourse.detect(page.doc, page.url)).toBe(true);
    expect(discourse.pageKind?.(page.doc, page.url)).toBe('topic');
  });

  it('reads the community from the page', () => {
    expect(result.community).toEqual({ id: C, platform: 'discourse', name: 'Acme Community', url: 'https://community.acme.example' });
  });

  it('reads every member post with a stable id, author, time and own text', () => {
    expect(result.posts).toHaveLength(2);
    const [first, second] = result.posts;
    expect(first).toMatchObject({
      id: `${C}:t777/1`,
      threadId: `${C}:t777/1`,
      parentId: null,
      kind: 'post',
      author: { id: `${C}:rachel_g`, name: 'Rachel Green', profileUrl: 'https://community.acme.example/u/Rachel_G', isWeak: false },
      publishedAt: '2026-11-02T09:15:00.000Z',
      url: 'https://community.acme.example/t/777/1',
      text: 'Please add a dark mode. It hurts my eyes at night.',
    });
    // Quotes of other posts are not this author's words.
    expect(second).toMatchObject({ id: `${C}:t777/2`, kind: 'comment', parentId: `${C}:t777/1`, author: { id: `${C}:moshe` }, text: '+1, ואפשר גם בעברית?' });
    for (const post of result.posts) expect(ObservedPost.safeParse(post).success).toBe(true);
  });

  it('skips posts with no member behind them (system, deleted users)', () => {
    expect(result.candidates).toBe(3);
    expect(result.failures).toEqual([]);
  });

  it('anchors the badge on the name link and finds the composer', () => {
    const article = page.doc.querySelector('#post_1')!;
    expect(discourse.badgeAnchor(article)?.textContent).toBe('Rachel Green');
    expect(discourse.replyBox(article)?.className).toBe('d-editor-input');
  });

  it('finds posts streamed in later when given only the new subtree', () => {
    const stream = page.doc.querySelector('.post-stream')!;
    const added = page.doc.createElement('div');
    added.className = 'topic-post';
    added.innerHTML = page.doc.querySelector('#post_2')!.outerHTML.replaceAll('post_2', 'post_4').replaceAll('/777/2', '/777/4');
    stream.append(added);
    const found = extractPosts(discourse, added, { url: page.url, community: result.community, observedAt: now });
    expect(found.posts.map((post) => post.id)).toEqual([`${C}:t777/4`]);
  });
});

describe('discourse: crawler view', () => {
  const page = fixture('discourse', 'crawler-topic.html', URL_);
  const result = extractPage(discourse, page.doc, page.url, now)!;

  it('gives the same ids as the Ember view, so both views are one history', () => {
    expect(result.posts.map((post) => [post.id, post.author.id, post.kind])).toEqual([
      [`${C}:t777/1`, `${C}:rachel_g`, 'post'],
      [`${C}:t777/2`, `${C}:moshe`, 'comment'],
    ]);
  });

  it('reads datePublished, not the edit time', () => {
    expect(result.posts[0]!.publishedAt).toBe('2026-11-02T09:15:00.000Z');
  });
});

describe('discourse: changed markup', () => {
  it('says what it expected when a post has no header at all', () => {
    const page = fixture('discourse', 'ember-topic.html', URL_);
    page.doc.querySelector('#post_1 .topic-meta-data')!.remove();
    page.doc.querySelector('#post_1 .topic-avatar')!.remove();
    const result = extractPage(discourse, page.doc, page.url, now)!;
    expect(result.failures).toEqual([{ where: '#post_1', message: 'Expected a post header in <article#post_1>, found none' }]);
    expect(result.posts).toHaveLength(1);
  });
});

describe('discourse: not Discourse', () => {
  it('rejects other forum software', () => {
    const page = fixture('phpbb', 'prosilver-topic.html', 'https://board.example/viewtopic.php?t=4410');
    expect(discourse.detect(page.doc, page.url)).toBe(false);
  });
});
