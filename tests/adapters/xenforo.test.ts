import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { xenforo } from '@/lib/adapters/xenforo';
import { extractPage } from '@/lib/adapters/extract';
import type { PageContext } from '@/lib/adapters/types';
import { parsePage } from '@/lib/cli/load-page';
import { ObservedPost } from '@/lib/model/observed';

const FIXTURES = path.join(__dirname, 'xenforo');
const observedAt = new Date('2024-05-01T12:00:00Z');

function load(name: string, url?: string) {
  return parsePage(readFileSync(path.join(FIXTURES, name), 'utf8'), url);
}

function extract(name: string, url?: string) {
  const { doc, url: pageUrl } = load(name, url);
  const result = extractPage(xenforo, doc, pageUrl, observedAt);
  if (!result) throw new Error(`no community for ${name}`);
  return { doc, result, pageUrl };
}

function pageContext(doc: Document, url: URL): PageContext {
  const community = xenforo.community(doc, url);
  if (!community) throw new Error('no community');
  return { url, community, observedAt };
}

const XF2 = 'xenforo:forum.solar-owners.example';
const XF1 = 'xenforo:boards.classic-bikes.example';

describe('xenforo: detection', () => {
  it.each(['xf2-thread.html', 'xf2-thread-page2.html', 'xf1-thread.html'])('detects %s', (name) => {
    const { doc, url } = load(name);
    expect(xenforo.detect(doc, url)).toBe(true);
    expect(xenforo.pageKind?.(doc, url)).toBe('thread');
  });

  it('detects XF2 post markup under a style that renamed <html>', () => {
    const html = readFileSync(path.join(FIXTURES, 'xf2-thread.html'), 'utf8').replace('<html id="XF"', '<html id="custom"');
    const { doc, url } = parsePage(html);
    expect(xenforo.detect(doc, url)).toBe(true);
  });

  it('rejects every other adapter fixture', () => {
    const root = path.dirname(FIXTURES);
    const others = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'xenforo')
      .flatMap((dir) =>
        readdirSync(path.join(root, dir.name))
          .filter((file) => file.endsWith('.html'))
          .map((file) => path.join(root, dir.name, file)),
      );
    expect(others.length).toBeGreaterThan(0);
    for (const file of others) {
      const { doc, url } = parsePage(readFileSync(file, 'utf8'), 'https://fixture.example/page');
      expect(xenforo.detect(doc, url), file).toBe(false);
    }
  });

  it('reads the community from og:site_name, scoped by host', () => {
    const { doc, url } = load('xf2-thread.html');
    expect(xenforo.community(doc, url)).toEqual({
      id: XF2,
      platform: 'xenforo',
      name: 'Solar Owners Forum',
      url: 'https://forum.solar-owners.example/',
    });
    const xf1 = load('xf1-thread.html');
    expect(xenforo.community(xf1.doc, xf1.url)?.name).toBe('Classic Bikes Boards');
  });
});

describe('xenforo 2: thread page 1', () => {
  const { result } = extract('xf2-thread.html');
  const byId = new Map(result.posts.map((post) => [post.id, post]));

  it('finds four post elements, skips the deleted one, fails none', () => {
    expect(result.candidates).toBe(4);
    expect(result.failures).toEqual([]);
    expect(result.posts.map((post) => post.id)).toEqual([`${XF2}:post-9001`, `${XF2}:post-9002`, `${XF2}:post-9003`]);
    for (const post of result.posts) expect(() => ObservedPost.parse(post)).not.toThrow();
  });

  it('reads the opener as the post, with its member id from data-user-id', () => {
    expect(byId.get(`${XF2}:post-9001`)).toEqual({
      id: `${XF2}:post-9001`,
      communityId: XF2,
      threadId: `${XF2}:thread-4412`,
      parentId: null,
      kind: 'post',
      author: {
        id: `${XF2}:312`,
        name: 'Dana Levi',
        profileUrl: 'https://forum.solar-owners.example/members/dana-levi.312/',
        isWeak: false,
      },
      publishedAt: '2024-03-04T07:15:00.000Z',
      url: 'https://forum.solar-owners.example/threads/inverter-shows-fault-e21.4412/post-9001',
      text: 'My inverter shows fault E21 every morning.\nHas anyone seen this before?',
    });
  });

  it('reads replies as comments on the thread, without the quoted post or the signature', () => {
    const reply = byId.get(`${XF2}:post-9002`);
    expect(reply?.kind).toBe('comment');
    expect(reply?.threadId).toBe(`${XF2}:thread-4412`);
    expect(reply?.parentId).toBe(`${XF2}:thread-4412`);
    expect(reply?.author).toMatchObject({ id: `${XF2}:77`, name: 'מיכל', isWeak: false });
    expect(reply?.text).toBe('זו תקלת בידוד. תבדקו את החיווט בגג.');
    // The post's own date, not "Last edited".
    expect(reply?.publishedAt).toBe('2024-03-04T08:02:30.000Z');
    expect(byId.get(`${XF2}:post-9001`)?.text).not.toContain('Tel Aviv');
  });

  it('keys a guest (data-user-id="0") by name, marked weak', () => {
    expect(byId.get(`${XF2}:post-9003`)?.author).toEqual({
      id: `${XF2}:name:wanderingguest`,
      name: 'WanderingGuest',
      profileUrl: null,
      isWeak: true,
    });
  });

  it('puts the badge after the name link and finds the Froala quick reply', () => {
    const { doc } = load('xf2-thread.html');
    const [first] = xenforo.findPosts(doc);
    if (!first) throw new Error('no post');
    const anchor = xenforo.badgeAnchor(first);
    expect(anchor?.matches('a.username[data-user-id="312"]')).toBe(true);
    const box = xenforo.replyBox(first);
    expect(box?.matches('.fr-element[contenteditable="true"]')).toBe(true);
  });

  it('falls back to the quick-reply textarea before the editor starts', () => {
    const { doc } = load('xf2-thread.html');
    doc.querySelector('.fr-box')?.remove();
    const [first] = xenforo.findPosts(doc);
    expect(first && xenforo.replyBox(first)?.getAttribute('name')).toBe('message_html');
  });

  it('parses a post appended later (infinite scroll / new reply) on its own', () => {
    const { doc, url } = load('xf2-thread.html');
    const container = doc.querySelector('.js-replyNewMessageContainer');
    container?.insertAdjacentHTML(
      'beforeend',
      `<article class="message message--post js-post" data-author="Ori" data-content="post-9010" id="js-post-9010">
        <div class="message-userDetails"><h4 class="message-name"><a href="/members/ori.5001/" class="username" data-user-id="5001">Ori</a></h4></div>
        <header class="message-attribution"><a href="/threads/inverter-shows-fault-e21.4412/post-9010" class="message-attribution-main"><time class="u-dt" datetime="2024-05-01T11:59:00+0000">now</time></a>
          <div class="message-attribution-opposite"><a href="/threads/inverter-shows-fault-e21.4412/post-9010">#5</a></div></header>
        <article class="message-body"><div class="bbWrapper">Just joined, same fault.</div></article>
      </article>`,
    );
    const added = container?.lastElementChild;
    if (!added) throw new Error('not added');
    const found = xenforo.findPosts(added);
    expect(found).toEqual([added]);
    const post = xenforo.parsePost(added, pageContext(doc, url));
    expect(post).toMatchObject({ id: `${XF2}:post-9010`, kind: 'comment', threadId: `${XF2}:thread-4412`, author: { id: `${XF2}:5001` } });
    // The whole document still yields each post once.
    expect(new Set(xenforo.findPosts(doc)).size).toBe(xenforo.findPosts(doc).length);
  });

  it('throws "needs attention" when a post has no author name element', () => {
    const { doc, url } = load('xf2-thread.html');
    const [first] = xenforo.findPosts(doc);
    if (!first) throw new Error('no post');
    first.querySelectorAll('.username').forEach((el) => el.remove());
    expect(() => xenforo.parsePost(first, pageContext(doc, url))).toThrow(/Expected the author name/);
  });
});

describe('xenforo 2: thread page 2', () => {
  const { result, doc } = extract('xf2-thread-page2.html');

  it('keys the thread by its thread id, as page 1 does, though the opener is on another page', () => {
    expect(result.failures).toEqual([]);
    expect(result.posts).toHaveLength(2);
    for (const post of result.posts) {
      expect(post.kind).toBe('comment');
      expect(post.threadId).toBe(`${XF2}:thread-4412`);
      expect(post.parentId).toBe(`${XF2}:thread-4412`);
    }
    // The same member as on page 1.
    expect(result.posts[0]?.author.id).toBe(`${XF2}:312`);
    expect(result.posts[1]?.publishedAt).toBe('2024-04-02T04:30:00.000Z');
  });

  it('has no reply box on a locked thread', () => {
    const [first] = xenforo.findPosts(doc);
    expect(first && xenforo.replyBox(first)).toBeUndefined();
  });
});

describe('xenforo 2: one thread across pages', () => {
  it('gives every post on page 1 and page 2 the same threadId', () => {
    const page1 = extract('xf2-thread.html').result;
    const page2 = extract('xf2-thread-page2.html').result;
    const posts = [...page1.posts, ...page2.posts];
    expect(page1.posts.length).toBeGreaterThan(0);
    expect(page2.posts.length).toBeGreaterThan(0);
    expect(new Set(posts.map((post) => post.threadId))).toEqual(new Set([`${XF2}:thread-4412`]));
    // Only the opener is the post; every reply, on either page, hangs on the thread.
    expect(posts.filter((post) => post.kind === 'post').map((post) => post.id)).toEqual([`${XF2}:post-9001`]);
    for (const post of posts) expect(post.parentId).toBe(post.kind === 'post' ? null : `${XF2}:thread-4412`);
  });

  // Page 1 with no thread id in the URL, the canonical link or the permalinks.
  function withoutThreadUrls(): string {
    return readFileSync(path.join(FIXTURES, 'xf2-thread.html'), 'utf8')
      .replace(/<meta property="og:url"[^>]*>|<link rel="canonical"[^>]*>/g, '')
      .replaceAll('/threads/inverter-shows-fault-e21.4412/post-', '/posts/');
  }

  it('reads the thread id from html[data-content-key] when no URL names it', () => {
    const { doc, url } = parsePage(withoutThreadUrls(), 'https://forum.solar-owners.example/posts/9001/');
    const result = extractPage(xenforo, doc, url, observedAt);
    expect(result?.failures).toEqual([]);
    expect(result?.posts.map((post) => post.threadId)).toEqual(Array(3).fill(`${XF2}:thread-4412`));
  });

  it("lets the opener's post id stand in for the thread only when no thread id is known", () => {
    const html = withoutThreadUrls().replace(' data-content-key="thread-4412"', '');
    const { doc, url } = parsePage(html, 'https://forum.solar-owners.example/posts/9001/');
    const result = extractPage(xenforo, doc, url, observedAt);
    expect(result?.failures).toEqual([]);
    expect(result?.posts.map((post) => [post.id, post.kind, post.threadId, post.parentId])).toEqual([
      [`${XF2}:post-9001`, 'post', `${XF2}:post-9001`, null],
      [`${XF2}:post-9002`, 'comment', `${XF2}:post-9001`, `${XF2}:post-9001`],
      [`${XF2}:post-9003`, 'comment', `${XF2}:post-9001`, `${XF2}:post-9001`],
    ]);
  });
});

describe('xenforo 1', () => {
  const { result, doc } = extract('xf1-thread.html');
  const byId = new Map(result.posts.map((post) => [post.id, post]));

  it('reads both posts and skips the deleted placeholder', () => {
    expect(result.candidates).toBe(3);
    expect(result.failures).toEqual([]);
    expect(result.posts.map((post) => post.id)).toEqual([`${XF1}:post-55001`, `${XF1}:post-55019`]);
    for (const post of result.posts) expect(() => ObservedPost.parse(post)).not.toThrow();
  });

  it('reads the opener: member id from /members/<name>.<id>/, Unix data-time, no signature', () => {
    expect(byId.get(`${XF1}:post-55001`)).toMatchObject({
      kind: 'post',
      parentId: null,
      threadId: `${XF1}:thread-1187`,
      author: {
        id: `${XF1}:204`,
        name: 'oldrider',
        profileUrl: 'https://boards.classic-bikes.example/community/members/oldrider.204/',
      },
      publishedAt: '2014-02-13T17:04:23.000Z',
      // Post #1's date link is the bare thread URL; the permalink is built from the <base>.
      url: 'https://boards.classic-bikes.example/community/posts/55001/',
      text: 'The idle hunts between 1200 and 1800 rpm.\nNeedle clip is in the middle groove.',
    });
  });

  it('reads a reply: title date text, permalink, quote left out', () => {
    expect(byId.get(`${XF1}:post-55019`)).toMatchObject({
      kind: 'comment',
      threadId: `${XF1}:thread-1187`,
      parentId: `${XF1}:thread-1187`,
      author: { id: `${XF1}:3310`, name: 'Mechanic Mo' },
      publishedAt: '2017-09-09T01:19:00.000Z',
      url: 'https://boards.classic-bikes.example/community/threads/carburettor-tuning-on-a-1972-cb350.1187/#post-55019',
      text: 'Check the float height first, then sync the carbs.',
    });
  });

  it('anchors the badge on the name link and finds the quick reply textarea', () => {
    const [first] = xenforo.findPosts(doc);
    if (!first) throw new Error('no post');
    expect(xenforo.badgeAnchor(first)?.matches('.userText a.username')).toBe(true);
    expect(xenforo.replyBox(first)?.getAttribute('name')).toBe('message_html');
  });
});
