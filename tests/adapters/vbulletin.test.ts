import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vbulletin } from '@/lib/adapters/vbulletin';
import { extractPage } from '@/lib/adapters/extract';
import type { PageContext } from '@/lib/adapters/types';
import { parsePage } from '@/lib/cli/load-page';
import { ObservedPost } from '@/lib/model/observed';

const FIXTURES = path.join(__dirname, 'vbulletin');
const observedAt = new Date('2024-05-01T12:00:00Z');

function load(name: string, url?: string) {
  return parsePage(readFileSync(path.join(FIXTURES, name), 'utf8'), url);
}

function extract(name: string, url?: string) {
  const { doc, url: pageUrl } = load(name, url);
  const result = extractPage(vbulletin, doc, pageUrl, observedAt);
  if (!result) throw new Error(`no community for ${name}`);
  for (const post of result.posts) ObservedPost.parse(post);
  return { doc, result, pageUrl };
}

function pageContext(doc: Document, url: URL): PageContext {
  const community = vbulletin.community(doc, url);
  if (!community) throw new Error('no community');
  return { url, community, observedAt };
}

const VB4 = 'vbulletin:ev-drivers.example';
const VB3 = 'vbulletin:reefkeepers.example';
const VB5 = 'vbulletin:forum.makers.example';
const VB3_URL = 'https://www.reefkeepers.example/showthread.php?t=88';

describe('vbulletin: detection', () => {
  it.each([
    ['vb4-thread.html', undefined],
    ['vb4-thread-page2.html', undefined],
    ['vb3-thread.html', VB3_URL],
    ['vb5-topic.html', undefined],
    ['vb5-topic-page2.html', undefined],
  ])('detects %s as a thread', (name, url) => {
    const { doc, url: pageUrl } = load(name, url);
    expect(vbulletin.detect(doc, pageUrl)).toBe(true);
    expect(vbulletin.pageKind?.(doc, pageUrl)).toBe('thread');
  });

  it('detects vB3 markup without the generator meta', () => {
    const html = readFileSync(path.join(FIXTURES, 'vb3-thread.html'), 'utf8').replace(/<meta name="generator"[^>]*>/, '');
    const { doc, url } = parsePage(html, VB3_URL);
    expect(vbulletin.detect(doc, url)).toBe(true);
  });

  it('rejects every other adapter fixture', () => {
    const root = path.dirname(FIXTURES);
    const others = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'vbulletin')
      .flatMap((dir) =>
        readdirSync(path.join(root, dir.name))
          .filter((file) => file.endsWith('.html'))
          .map((file) => path.join(root, dir.name, file)),
      );
    expect(others.length).toBeGreaterThan(0);
    for (const file of others) {
      const { doc, url } = parsePage(readFileSync(file, 'utf8'), 'https://fixture.example/page');
      expect(vbulletin.detect(doc, url), file).toBe(false);
    }
  });

  it('reads the community: host scope, board root from vb_meta_bburl', () => {
    const { doc, url } = load('vb4-thread.html');
    expect(vbulletin.community(doc, url)).toEqual({
      id: VB4,
      platform: 'vbulletin',
      name: 'EV Drivers Forum',
      url: 'https://www.ev-drivers.example/forum',
    });
  });
});

describe('vbulletin 4: thread page 1', () => {
  const { result, doc } = extract('vb4-thread.html');
  const byId = new Map(result.posts.map((post) => [post.id, post]));

  it('resolves the relative canonical link against <base>', () => {
    const { url } = load('vb4-thread.html');
    expect(url.href).toBe('https://www.ev-drivers.example/forum/showthread.php?2210-Battery-drains-overnight&s=0a1b2c3d4e5f60718293a4b5c6d7e8f9');
  });

  it('finds four posts, skips the deleted one, fails none', () => {
    expect(result.candidates).toBe(4);
    expect(result.failures).toEqual([]);
    expect(result.posts.map((post) => post.id)).toEqual([`${VB4}:post-5001`, `${VB4}:post-5007`, `${VB4}:post-5012`]);
  });

  it('reads the opener (postcount name="1") with a session-free profile and permalink', () => {
    expect(byId.get(`${VB4}:post-5001`)).toEqual({
      id: `${VB4}:post-5001`,
      communityId: VB4,
      threadId: `${VB4}:thread-2210`,
      parentId: null,
      kind: 'post',
      author: {
        id: `${VB4}:15`,
        name: 'Ruth',
        profileUrl: 'https://www.ev-drivers.example/forum/member.php?15-Ruth',
        isWeak: false,
      },
      publishedAt: '2019-04-06T21:29:00.000Z',
      url: 'https://www.ev-drivers.example/forum/showthread.php?2210-Battery-drains-overnight&p=5001#post5001',
      text: 'My car loses 8% every night while parked.\nIs that normal?',
    });
  });

  it('reads a reply: member.php?u= id, "Today" time, quote, signature and code label left out, code kept', () => {
    expect(byId.get(`${VB4}:post-5007`)).toMatchObject({
      kind: 'comment',
      threadId: `${VB4}:thread-2210`,
      parentId: `${VB4}:thread-2210`,
      author: { id: `${VB4}:22`, name: 'Amir', isWeak: false },
      publishedAt: '2024-05-01T08:15:00.000Z',
      text: 'Turn off the cabin overheat protection, it wakes the car up.\nsettings > climate > off',
    });
  });

  it('keys a guest by name, marked weak, and reads "Yesterday"', () => {
    expect(byId.get(`${VB4}:post-5012`)).toMatchObject({
      author: { id: `${VB4}:name:roadtripper`, name: 'roadtripper', profileUrl: null, isWeak: true },
      publishedAt: '2024-04-30T23:40:00.000Z',
    });
  });

  it('anchors the badge on the name link and finds the quick reply', () => {
    const [first] = vbulletin.findPosts(doc);
    if (!first) throw new Error('no post');
    expect(vbulletin.badgeAnchor(first)?.matches('a.username')).toBe(true);
    expect(vbulletin.replyBox(first)?.id).toBe('vB_Editor_QR_textarea');
  });

  it('parses a post appended later (quick reply / AJAX) on its own', () => {
    const { doc: liveDoc, url } = load('vb4-thread.html');
    const list = liveDoc.querySelector('ol#posts');
    list?.insertAdjacentHTML(
      'beforeend',
      `<li class="postbit postcontainer" id="post_5020">
        <div class="posthead"><span class="postdate"><span class="date">Today, <span class="time">11:58 AM</span></span></span>
          <span class="nodecontrols"><a href="showthread.php?2210&amp;p=5020#post5020" class="postcounter">#5</a><a id="postcount5020" name="5"></a></span></div>
        <div class="username_container"><a class="username" href="member.php?400-Lior">Lior</a></div>
        <div id="post_message_5020"><blockquote class="postcontent restore">Same here.</blockquote></div>
      </li>`,
    );
    const added = list?.lastElementChild;
    if (!added) throw new Error('not added');
    expect(vbulletin.findPosts(added)).toEqual([added]);
    expect(vbulletin.parsePost(added, pageContext(liveDoc, url))).toMatchObject({
      id: `${VB4}:post-5020`,
      kind: 'comment',
      threadId: `${VB4}:thread-2210`,
      author: { id: `${VB4}:400` },
      publishedAt: '2024-05-01T11:58:00.000Z',
    });
  });

  it('throws "needs attention" when a post has lost its body', () => {
    const { doc: liveDoc, url } = load('vb4-thread.html');
    const [first] = vbulletin.findPosts(liveDoc);
    if (!first) throw new Error('no post');
    first.querySelector('#post_message_5001')?.remove();
    expect(() => vbulletin.parsePost(first, pageContext(liveDoc, url))).toThrow(/Expected a post body/);
  });
});

describe('vbulletin 4: thread page 2', () => {
  const { result, doc } = extract('vb4-thread-page2.html');

  it('keys the thread by its thread id, as page 1 does, though the opener is not on this page', () => {
    expect(result.failures).toEqual([]);
    expect(result.posts).toHaveLength(2);
    for (const post of result.posts) {
      expect(post).toMatchObject({ kind: 'comment', threadId: `${VB4}:thread-2210`, parentId: `${VB4}:thread-2210` });
    }
    expect(result.posts[0]?.author.id).toBe(`${VB4}:15`);
    expect(result.posts[1]).toMatchObject({ author: { id: `${VB4}:311`, name: 'Noa K' }, publishedAt: '2019-05-03T19:45:00.000Z' });
  });

  it('has no reply box when the page has none', () => {
    const [first] = vbulletin.findPosts(doc);
    expect(first && vbulletin.replyBox(first)).toBeUndefined();
  });
});

describe('vbulletin: one thread across pages', () => {
  it.each([
    ['vB4', 'vb4-thread.html', 'vb4-thread-page2.html', `${VB4}:thread-2210`, `${VB4}:post-5001`],
    // vB5's thread is its starter node, whose id every page's URL carries.
    ['vB5', 'vb5-topic.html', 'vb5-topic-page2.html', `${VB5}:post-4182`, `${VB5}:post-4182`],
  ])('%s: gives every post on page 1 and page 2 the same threadId', (_variant, page1, page2, threadId, opener) => {
    const posts = [...extract(page1).result.posts, ...extract(page2).result.posts];
    expect(posts.length).toBeGreaterThan(2);
    expect(new Set(posts.map((post) => post.threadId))).toEqual(new Set([threadId]));
    // Only the opener is the post; every reply, on either page, hangs on the thread.
    expect(posts.filter((post) => post.kind === 'post').map((post) => post.id)).toEqual([opener]);
    for (const post of posts) expect(post.parentId).toBe(post.kind === 'post' ? null : threadId);
  });
});

describe('vbulletin 3', () => {
  const { result, doc } = extract('vb3-thread.html', VB3_URL);

  it('reads table#post<id> posts only', () => {
    expect(result.failures).toEqual([]);
    expect(result.posts.map((post) => post.id)).toEqual([`${VB3}:post-700`, `${VB3}:post-704`]);
  });

  it('reads the opener from postcount name="1", the date from the header cell', () => {
    expect(result.posts[0]).toEqual({
      id: `${VB3}:post-700`,
      communityId: VB3,
      threadId: `${VB3}:thread-88`,
      parentId: null,
      kind: 'post',
      author: { id: `${VB3}:5`, name: 'CoralCathy', profileUrl: 'https://www.reefkeepers.example/member.php?u=5', isWeak: false },
      publishedAt: '2008-11-23T16:12:00.000Z',
      url: 'https://www.reefkeepers.example/showpost.php?p=700&postcount=1',
      text: 'How long do you run your lights? I do 10 hours.',
    });
  });

  it('leaves the vB3 quote box out of the reply text', () => {
    expect(result.posts[1]).toMatchObject({
      kind: 'comment',
      threadId: `${VB3}:thread-88`,
      parentId: `${VB3}:thread-88`,
      author: { id: `${VB3}:81`, name: 'fishguy' },
      text: '8 hours plus 2 hours of moonlight.',
    });
  });

  it('anchors the badge on a.bigusername and finds the quick reply', () => {
    const [first] = vbulletin.findPosts(doc);
    if (!first) throw new Error('no post');
    expect(vbulletin.badgeAnchor(first)?.matches('a.bigusername')).toBe(true);
    expect(vbulletin.replyBox(first)?.getAttribute('name')).toBe('message');
  });

  it('reads the thread id from the hidden input name="t" when the URL does not name it', () => {
    const { result: fromInput } = extract('vb3-thread.html', 'https://www.reefkeepers.example/showthread.php?p=700');
    expect(fromInput.failures).toEqual([]);
    expect(fromInput.posts.map((post) => post.threadId)).toEqual([`${VB3}:thread-88`, `${VB3}:thread-88`]);
  });

  it("lets the opener's post id stand in for the thread only when no thread id is known", () => {
    const html = readFileSync(path.join(FIXTURES, 'vb3-thread.html'), 'utf8').replace('<input type="hidden" name="t" value="88" />', '');
    const { doc, url } = parsePage(html, 'https://www.reefkeepers.example/showthread.php?p=700');
    const result = extractPage(vbulletin, doc, url, observedAt);
    expect(result?.failures).toEqual([]);
    expect(result?.posts.map((post) => [post.id, post.kind, post.threadId, post.parentId])).toEqual([
      [`${VB3}:post-700`, 'post', `${VB3}:post-700`, null],
      [`${VB3}:post-704`, 'comment', `${VB3}:post-700`, `${VB3}:post-700`],
    ]);
  });
});

describe('vbulletin 5', () => {
  it('reads the starter and a reply, with node publish dates and /member/<id>- ids', () => {
    const { result } = extract('vb5-topic.html');
    expect(result.failures).toEqual([]);
    expect(result.posts).toHaveLength(2);
    expect(result.posts[0]).toMatchObject({
      id: `${VB5}:post-4182`,
      kind: 'post',
      threadId: `${VB5}:post-4182`,
      parentId: null,
      author: { id: `${VB5}:103`, name: 'caffeine', profileUrl: 'https://forum.makers.example/member/103-caffeine' },
      publishedAt: '2017-01-09T15:08:56.000Z',
      text: 'Introduce yourself and your workshop here.',
    });
    expect(result.posts[1]).toMatchObject({
      id: `${VB5}:post-4190`,
      kind: 'comment',
      parentId: `${VB5}:post-4182`,
      author: { id: `${VB5}:4471`, name: 'Lathe Lena' },
      url: 'https://forum.makers.example/forum/general/4182-welcome-thread?p=4190#post4190',
      text: 'Hi all, I turn pens on a small lathe.',
    });
  });

  it('knows the opener off page 1: the starter node id is in the topic URL', () => {
    const { result } = extract('vb5-topic-page2.html');
    expect(result.posts).toHaveLength(1);
    expect(result.posts[0]).toMatchObject({ kind: 'comment', threadId: `${VB5}:post-4182`, parentId: `${VB5}:post-4182` });
  });
});
