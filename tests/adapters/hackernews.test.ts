import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hackernews } from '@/lib/adapters/hackernews';
import { extractPage } from '@/lib/adapters/extract';
import type { PageContext } from '@/lib/adapters/types';
import { parsePage } from '@/lib/cli/load-page';
import { ObservedPost } from '@/lib/model/observed';

const FIXTURES = path.join(__dirname, 'hackernews');
const observedAt = new Date('2024-05-02T13:00:00Z');
const HN = 'https://news.ycombinator.com';
const COMMUNITY = 'hackernews:news.ycombinator.com';

function load(name: string, url: string) {
  return parsePage(readFileSync(path.join(FIXTURES, name), 'utf8'), url);
}

function extract(name: string, url: string) {
  const { doc, url: pageUrl } = load(name, url);
  const result = extractPage(hackernews, doc, pageUrl, observedAt);
  if (!result) throw new Error(`no community for ${name}`);
  for (const post of result.posts) ObservedPost.parse(post);
  return { doc, result, pageUrl };
}

function pageContext(doc: Document, url: URL): PageContext {
  const community = hackernews.community(doc, url);
  if (!community) throw new Error('no community');
  return { url, community, observedAt };
}

describe('hackernews: detection', () => {
  it.each([
    ['item-story.html', `${HN}/item?id=40100`, 'item'],
    ['item-comment.html', `${HN}/item?id=40111`, 'item'],
    ['listing.html', `${HN}/news`, 'listing'],
    ['newcomments.html', `${HN}/newcomments`, 'comments'],
  ])('detects %s', (name, url, kind) => {
    const { doc, url: pageUrl } = load(name, url);
    expect(hackernews.detect(doc, pageUrl)).toBe(true);
    expect(hackernews.pageKind?.(doc, pageUrl)).toBe(kind);
    expect(hackernews.community(doc, pageUrl)).toEqual({
      id: COMMUNITY,
      platform: 'hackernews',
      name: 'Hacker News',
      url: `${HN}/`,
    });
  });

  it('wants both the host and the page frame', () => {
    const elsewhere = load('item-story.html', 'https://hn-mirror.example/item?id=40100');
    expect(hackernews.detect(elsewhere.doc, elsewhere.url)).toBe(false);
    const { doc, url } = parsePage('<html><body><p>Not HN</p></body></html>', `${HN}/item?id=1`);
    expect(hackernews.detect(doc, url)).toBe(false);
  });

  it('rejects every other adapter fixture, even served from the HN host', () => {
    const root = path.dirname(FIXTURES);
    const others = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'hackernews')
      .flatMap((dir) =>
        readdirSync(path.join(root, dir.name))
          .filter((file) => file.endsWith('.html'))
          .map((file) => path.join(root, dir.name, file)),
      );
    expect(others.length).toBeGreaterThan(0);
    for (const file of others) {
      const { doc, url } = parsePage(readFileSync(file, 'utf8'), `${HN}/item?id=1`);
      expect(hackernews.detect(doc, url), file).toBe(false);
    }
  });
});

describe('hackernews: story page with a comment tree', () => {
  const { result, doc } = extract('item-story.html', `${HN}/item?id=40100`);
  const byId = new Map(result.posts.map((post) => [post.id, post]));

  it('reads the story and the comments with authors; skips [deleted] and [flagged]', () => {
    expect(result.candidates).toBe(8);
    expect(result.failures).toEqual([]);
    expect(result.posts.map((post) => post.id)).toEqual([
      'hackernews:40100',
      'hackernews:40111',
      'hackernews:40115',
      'hackernews:40118',
      'hackernews:40121',
      'hackernews:40150',
    ]);
  });

  it('reads the story as a post by its submitter, with the Ask HN text', () => {
    expect(byId.get('hackernews:40100')).toEqual({
      id: 'hackernews:40100',
      communityId: COMMUNITY,
      threadId: 'hackernews:40100',
      parentId: null,
      kind: 'post',
      author: { id: 'hackernews:MiriamK', name: 'MiriamK', profileUrl: `${HN}/user?id=MiriamK`, isWeak: false },
      publishedAt: '2024-05-01T10:00:00.000Z',
      url: `${HN}/item?id=40100`,
      text: 'Ask HN: How do you onboard new community moderators?\nWe run a 20k-member forum.\nWhat does your first week look like for a new moderator?',
    });
  });

  it('derives kind and parent from indentation', () => {
    expect(byId.get('hackernews:40111')).toMatchObject({ kind: 'comment', parentId: 'hackernews:40100', threadId: 'hackernews:40100' });
    expect(byId.get('hackernews:40115')).toMatchObject({ kind: 'reply', parentId: 'hackernews:40111' });
    // Older markup: no indent attribute, a 80px spacer = depth 2.
    expect(byId.get('hackernews:40118')).toMatchObject({ kind: 'reply', parentId: 'hackernews:40115' });
    // The parent was deleted: still its parent.
    expect(byId.get('hackernews:40121')).toMatchObject({ kind: 'reply', parentId: 'hackernews:40120' });
    expect(byId.get('hackernews:40150')).toMatchObject({ kind: 'comment', parentId: 'hackernews:40100' });
  });

  it('keeps username case: Bob and bob are two members', () => {
    expect(byId.get('hackernews:40115')?.author.id).toBe('hackernews:Bob');
    expect(byId.get('hackernews:40118')?.author).toEqual({
      id: 'hackernews:bob',
      name: 'bob',
      profileUrl: `${HN}/user?id=bob`,
      isWeak: false,
    });
  });

  it('reads times from the age title (ISO, or ISO + Unix) and text without the reply link', () => {
    expect(byId.get('hackernews:40111')).toMatchObject({
      publishedAt: '2024-05-01T10:20:00.000Z',
      url: `${HN}/item?id=40111`,
      text: 'Pair them with a senior mod for two weeks.\nShadowing beats any written guide.',
    });
    expect(byId.get('hackernews:40115')?.publishedAt).toBe('2024-05-01T10:41:00.000Z');
  });

  it('anchors badges on the user link; only the story has a reply box here', () => {
    const [story, comment] = hackernews.findPosts(doc);
    if (!story || !comment) throw new Error('no items');
    expect(hackernews.badgeAnchor(story)?.textContent).toBe('MiriamK');
    expect(hackernews.badgeAnchor(comment)?.textContent).toBe('alice_m');
    expect(hackernews.replyBox(story)?.matches('form[action="comment"] textarea[name="text"]')).toBe(true);
    expect(hackernews.replyBox(comment)).toBeUndefined();
  });

  it('parses a subtree appended later, resolving parents against the rows above', () => {
    const { doc: liveDoc, url } = load('item-story.html', `${HN}/item?id=40100`);
    const tbody = liveDoc.querySelector('table.comment-tree > tbody');
    if (!tbody) throw new Error('no tree');
    const row = (id: string, indent: number, user: string, text: string) =>
      `<tr class="athing comtr" id="${id}"><td><table border="0"><tr>
        <td class="ind" indent="${indent}"><img src="s.gif" height="1" width="${indent * 40}"></td>
        <td class="default"><div><span class="comhead"><a href="user?id=${user}" class="hnuser">${user}</a>
          <span class="age" title="2024-05-02T12:30:00"><a href="item?id=${id}">30 minutes ago</a></span></span></div>
          <div class="comment"><div class="commtext c00">${text}</div></div></td></tr></table></td></tr>`;
    tbody.insertAdjacentHTML('beforeend', row('40160', 1, 'frank', 'Which rules?') + row('40161', 2, 'eve_ops', 'The ones nobody wrote.'));
    const page = pageContext(liveDoc, url);
    const added = Array.from(tbody.children).slice(-2);
    const posts = added.flatMap((el) => hackernews.findPosts(el)).map((el) => hackernews.parsePost(el, page));
    expect(posts).toMatchObject([
      { id: 'hackernews:40160', kind: 'reply', parentId: 'hackernews:40150', threadId: 'hackernews:40100' },
      { id: 'hackernews:40161', kind: 'reply', parentId: 'hackernews:40160', author: { id: 'hackernews:eve_ops' } },
    ]);
  });

  it('throws "needs attention" for an authored comment without its text', () => {
    const { doc: liveDoc, url } = load('item-story.html', `${HN}/item?id=40100`);
    const comment = liveDoc.getElementById('40111');
    if (!comment) throw new Error('no comment');
    comment.querySelector('.comment')?.remove();
    expect(() => hackernews.parsePost(comment, pageContext(liveDoc, url))).toThrow(/Expected the comment text/);
  });
});

describe("hackernews: a comment's own page", () => {
  const { result, doc } = extract('item-comment.html', `${HN}/item?id=40111`);
  const byId = new Map(result.posts.map((post) => [post.id, post]));

  it('reads the page comment from its parent and "on:" links, and the tree below it as replies', () => {
    expect(result.failures).toEqual([]);
    expect(byId.get('hackernews:40111')).toMatchObject({ kind: 'comment', parentId: 'hackernews:40100', threadId: 'hackernews:40100' });
    expect(byId.get('hackernews:40115')).toMatchObject({ kind: 'reply', parentId: 'hackernews:40111', threadId: 'hackernews:40100' });
    expect(byId.get('hackernews:40118')).toMatchObject({ kind: 'reply', parentId: 'hackernews:40115' });
  });

  it('offers the page reply form for the page comment only', () => {
    const pageComment = doc.getElementById('40111');
    const treeComment = doc.getElementById('40115');
    if (!pageComment || !treeComment) throw new Error('no items');
    expect(hackernews.replyBox(pageComment)?.getAttribute('name')).toBe('text');
    expect(hackernews.replyBox(treeComment)).toBeUndefined();
  });
});

describe('hackernews: listings', () => {
  it('reads front-page stories as posts and skips the job ad', () => {
    const { result, doc } = extract('listing.html', `${HN}/news`);
    expect(result.failures).toEqual([]);
    expect(result.posts).toMatchObject([
      { id: 'hackernews:40200', kind: 'post', threadId: 'hackernews:40200', parentId: null, author: { id: 'hackernews:pg_fan' }, text: 'Moderation at scale' },
      { id: 'hackernews:40202', kind: 'post', author: { id: 'hackernews:MiriamK' }, publishedAt: '2024-05-02T09:30:00.000Z' },
    ]);
    const story = doc.getElementById('40200');
    expect(story && hackernews.badgeAnchor(story)?.textContent).toBe('pg_fan');
    expect(story && hackernews.replyBox(story)).toBeUndefined();
  });

  it('reads newcomments rows from their parent and "on:" links', () => {
    const { result } = extract('newcomments.html', `${HN}/newcomments`);
    expect(result.failures).toEqual([]);
    expect(result.posts).toMatchObject([
      { id: 'hackernews:40310', kind: 'reply', parentId: 'hackernews:40290', threadId: 'hackernews:40200', author: { id: 'hackernews:carol_q' } },
      { id: 'hackernews:40311', kind: 'comment', parentId: 'hackernews:40202', threadId: 'hackernews:40202' },
    ]);
  });
});
