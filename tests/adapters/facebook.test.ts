import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPage, extractPosts } from '@/lib/adapters/extract';
import { facebook } from '@/lib/adapters/facebook';
import { cleanPermalink, commentFromHref, postIdFromHref, profileFromHref } from '@/lib/adapters/facebook-links';
import { detectAdapter } from '@/lib/adapters/index';
import { AdapterError, type PageContext } from '@/lib/adapters/types';
import { parsePage } from '@/lib/cli/load-page';
import { ObservedPost } from '@/lib/model/observed';

const OBSERVED_AT = new Date('2026-11-23T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(OBSERVED_AT.getTime() - hours * 3600_000).toISOString();

const GROUP_FEED = 'https://www.facebook.com/groups/kehilatesters/';
const GROUP_POST = 'https://www.facebook.com/groups/kehilatesters/posts/700000000000003/';
const PAGE_DIALOG = 'https://www.facebook.com/KehilaCafe/posts/pfbid0DialogPostAbc123Def456Ghi';
const M_STORY = 'https://m.facebook.com/story.php?story_fbid=900000000000007&id=444000555666777';
const M_BIGPIPE = 'https://m.facebook.com/KehilaCafe/posts/900000000000008/';
const M_GROUP = 'https://m.facebook.com/groups/kehilatesters/';
const NEWS_FEED = 'https://www.facebook.com/';
const CLASSIC_PERMALINK = 'https://www.facebook.com/444000555666777/posts/our-new-branch-opens-today/900000000000009/';

const GROUP = 'facebook:group:555000111222333';
const PAGE = 'facebook:page:444000555666777';
const DANA = 'facebook:100001111111111';
const YOSSI = 'facebook:100002222222222';
const NOA = 'facebook:100003333333333';
const OMAR = 'facebook:100004444444444';
const CAFE = 'facebook:444000555666777';

function fixture(name: string): string {
  return readFileSync(path.join(__dirname, 'facebook', name), 'utf8');
}

function load(name: string, url: string) {
  return parsePage(fixture(name), url);
}

/** As the runtime and the extract CLI do it: detect, then (saved pages only) prepare, then extract. */
function extract(name: string, url: string) {
  const { doc, url: pageUrl } = load(name, url);
  expect(facebook.detect(doc, pageUrl)).toBe(true);
  facebook.prepareSavedPage?.(doc);
  const result = extractPage(facebook, doc, pageUrl, OBSERVED_AT);
  if (!result) throw new Error(`no community for ${name}`);
  expect(result.failures).toEqual([]);
  for (const post of result.posts) ObservedPost.parse(post);
  return { doc, pageUrl, result, byId: new Map(result.posts.map((post) => [post.id, post])) };
}

function context(doc: Document, url: URL): PageContext {
  const community = facebook.community(doc, url);
  if (!community) throw new Error('no community');
  return { url, community, observedAt: OBSERVED_AT };
}

/** The element whose parsed post has this id. */
function elementOf(doc: Document, url: URL, id: string): Element {
  const page = context(doc, url);
  const el = facebook.findPosts(doc).find((candidate) => facebook.parsePost(candidate, page)?.id === id);
  if (!el) throw new Error(`no element for ${id}`);
  return el;
}

function fromTemplate(doc: Document, id: string): Element[] {
  const template = doc.querySelector(`template#${id}`);
  if (!template || !('content' in template)) throw new Error(`fixture lacks template#${id}`);
  return Array.from((template as HTMLTemplateElement).content.cloneNode(true).childNodes).filter(
    (node): node is Element => node.nodeType === 1,
  );
}

describe('facebook: detection', () => {
  const pages: Array<[string, string]> = [
    ['comet-group-feed-en.html', GROUP_FEED],
    ['comet-group-feed-he.html', GROUP_FEED],
    ['comet-group-feed-ar.html', GROUP_FEED],
    ['comet-group-permalink.html', GROUP_POST],
    ['comet-page-post.html', PAGE_DIALOG],
    ['m-story-comments.html', M_STORY],
    ['m-bigpipe.html', M_BIGPIPE],
    ['m-group-feed.html', M_GROUP],
    ['classic-feed.html', NEWS_FEED],
    ['classic-permalink.html', CLASSIC_PERMALINK],
  ];
  it.each(pages)('detects %s', (name, url) => {
    const { doc, url: pageUrl } = load(name, url);
    expect(facebook.detect(doc, pageUrl)).toBe(true);
    expect(detectAdapter(doc, pageUrl)?.id).toBe('facebook');
  });

  it('needs a Facebook host: the same markup elsewhere is not ours', () => {
    const { doc } = load('comet-group-feed-en.html', GROUP_FEED);
    expect(facebook.detect(doc, new URL('https://example.com/groups/kehilatesters/'))).toBe(false);
    expect(facebook.detect(doc, new URL('https://l.facebook.com/l.php?u=x'))).toBe(false);
    expect(facebook.detect(doc, new URL('https://notfacebook.com/'))).toBe(false);
  });

  it('needs Facebook markup: a bare page on facebook.com is not a page we read', () => {
    const { doc, url } = parsePage('<html><body><p>Hello</p></body></html>', 'https://www.facebook.com/help/');
    expect(facebook.detect(doc, url)).toBe(false);
  });

  it('rejects forum pages that also use articles', () => {
    const forum =
      '<html><head><meta name="generator" content="Discourse 3.2"></head><body><div role="feed">' +
      '<div role="article" aria-posinset="1"><a href="/u/sam">sam</a><p>Hello</p></div></div></body></html>';
    const { doc, url } = parsePage(forum, 'https://meta.discourse.org/t/hello/1');
    expect(facebook.detect(doc, url)).toBe(false);
  });

  it('tells which pages must show posts', () => {
    const kind = (name: string, url: string) => {
      const { doc, url: pageUrl } = load(name, url);
      return facebook.pageKind?.(doc, pageUrl);
    };
    expect(kind('comet-group-feed-en.html', GROUP_FEED)).toBe('group-feed');
    expect(kind('comet-group-permalink.html', GROUP_POST)).toBe('group-post');
    expect(kind('comet-page-post.html', PAGE_DIALOG)).toBe('post');
    expect(kind('classic-feed.html', NEWS_FEED)).toBe('news-feed');
    expect(kind('comet-page-post.html', 'https://www.facebook.com/KehilaCafe/about')).toBeUndefined();
  });
});

describe('facebook: Comet group feed (English UI)', () => {
  it('reads an absolute time link as a time, a yearless leap day included, resolved against when the page was read', () => {
    const { doc, url } = load('comet-group-feed-en.html', GROUP_FEED);
    const link = doc.querySelector('a[aria-label="4d"]');
    if (!link) throw new Error('fixture lacks the first post\'s time link');
    link.setAttribute('aria-label', 'February 29 at 10:00 AM');
    link.textContent = 'February 29 at 10:00 AM';
    const readIn2028 = { ...context(doc, url), observedAt: new Date('2028-03-02T09:00:00.000Z') };
    const first = facebook.findPosts(doc)[0];
    if (!first) throw new Error('no post found');
    // The link still names the post (it reads as a time, so it is the permalink) and says when.
    expect(facebook.parsePost(first, readIn2028)).toMatchObject({ id: 'facebook:700000000000001', publishedAt: '2028-02-29T10:00:00.000Z' });
  });

  it('reads the group, with its numeric id from the app-link meta of a slug address', () => {
    const { result } = extract('comet-group-feed-en.html', GROUP_FEED);
    expect(result.community).toEqual({
      id: GROUP,
      platform: 'facebook',
      name: 'Kehila Testers',
      url: 'https://www.facebook.com/groups/555000111222333/',
    });
  });

  it('finds posts, comments and both kinds of nested replies, skipping the skeleton and the sidebar', () => {
    const { result } = extract('comet-group-feed-en.html', GROUP_FEED);
    expect(result.posts.map((post) => [post.id, post.kind, post.parentId, post.author.id])).toEqual([
      ['facebook:700000000000001', 'post', null, DANA],
      ['facebook:700000000000001_800000000000011', 'comment', 'facebook:700000000000001', YOSSI],
      // A reply rendered beside its comment: the link's reply_comment_id says whose reply it is.
      ['facebook:700000000000001_800000000000012', 'reply', 'facebook:700000000000001_800000000000011', DANA],
      ['facebook:700000000000001_800000000000013', 'comment', 'facebook:700000000000001', OMAR],
      // A reply nested in its comment's article, whose link names only itself.
      ['facebook:700000000000001_800000000000014', 'reply', 'facebook:700000000000001_800000000000013', YOSSI],
      // A/B variant: the feed unit is the post, no article.
      ['facebook:700000000000002', 'post', null, YOSSI],
      ['facebook:700000000000002_800000000000021', 'comment', 'facebook:700000000000002', NOA],
    ]);
    // Units 1–3 of the feed, all comments and the sidebar article are candidates; the
    // skeleton (no author yet) and the sidebar give nothing.
    expect(result.candidates).toBe(8);
    expect(result.posts.every((post) => post.communityId === GROUP)).toBe(true);
    expect(result.posts.map((post) => post.author.name)).not.toContain('Third Party Shop');
  });

  it('reads nothing in the sidebar, also when the sidebar or a part of it is what was added', () => {
    const { doc } = load('comet-group-feed-en.html', GROUP_FEED);
    const sidebar = doc.querySelector('[role="complementary"]');
    const teaser = sidebar?.querySelector('[role="article"]');
    if (!sidebar || !teaser) throw new Error('fixture lacks the sidebar teaser');
    expect(facebook.findPosts(sidebar)).toEqual([]);
    expect(facebook.findPosts(teaser)).toEqual([]);
    expect(facebook.findPosts(doc)).not.toContain(teaser);
  });

  it('keeps threads, names in any script, times, text and permalinks', () => {
    const { byId } = extract('comet-group-feed-en.html', GROUP_FEED);
    expect(byId.get('facebook:700000000000001')).toEqual({
      id: 'facebook:700000000000001',
      communityId: GROUP,
      threadId: 'facebook:700000000000001',
      parentId: null,
      kind: 'post',
      author: {
        id: DANA,
        name: 'Dana Levi',
        profileUrl: 'https://www.facebook.com/profile.php?id=100001111111111',
        isWeak: false,
      },
      publishedAt: hoursAgo(96),
      url: 'https://www.facebook.com/groups/555000111222333/posts/700000000000001/',
      // "See more" is a button, not the author's words.
      text: 'Does anyone know when the new version ships?\nAsking for the whole team. #release',
    });
    expect(byId.get('facebook:700000000000001_800000000000012')).toMatchObject({
      threadId: 'facebook:700000000000001',
      publishedAt: hoursAgo(24),
      url: 'https://www.facebook.com/groups/555000111222333/posts/700000000000001/?comment_id=800000000000011&reply_comment_id=800000000000012',
      text: 'Thanks! יוסי כהן',
    });
    expect(byId.get('facebook:700000000000001_800000000000011')).toMatchObject({
      author: { id: YOSSI, name: 'יוסי כהן' },
      publishedAt: hoursAgo(48),
      text: 'בשבוע הבא, לפי מה ששמעתי.',
    });
    // /people/<name>/<id>/ gives the numeric id too.
    expect(byId.get('facebook:700000000000001_800000000000013')?.author).toMatchObject({ id: OMAR, name: 'عمر حداد' });
    expect(byId.get('facebook:700000000000002')).toMatchObject({
      publishedAt: hoursAgo(22),
      url: 'https://www.facebook.com/groups/555000111222333/permalink/700000000000002/',
      text: 'מחפש המלצה על ספק אינטרנט',
    });
    expect(byId.get('facebook:700000000000002_800000000000021')).toMatchObject({ publishedAt: hoursAgo(0.75), text: "Try the fibre offer, it's good." });
  });

  it('returns undefined for a loading skeleton, and reads it once it re-renders', async () => {
    const { doc, url: pageUrl } = load('comet-group-feed-en.html', GROUP_FEED);
    const page = context(doc, pageUrl);
    const skeleton = doc.querySelector('[aria-posinset="3"]');
    if (!skeleton) throw new Error('fixture lacks the skeleton');
    expect(facebook.findPosts(doc)).toContain(skeleton);
    expect(facebook.parsePost(skeleton, page)).toBeUndefined();
    expect(facebook.badgeAnchor(skeleton)).toBeUndefined();

    // Comet swaps the skeleton's content for the real post in place.
    const [unit] = fromTemplate(doc, 'appended-unit');
    const rendered = unit?.querySelector('[aria-posinset]');
    if (!rendered) throw new Error('fixture lacks the appended unit');
    skeleton.replaceChildren(...Array.from(rendered.childNodes));
    // The page re-renders in a task of its own; within one task the adapter remembers what it read.
    expect(facebook.parsePost(skeleton, page)).toBeUndefined();
    await Promise.resolve();
    expect(facebook.parsePost(skeleton, page)).toMatchObject({ id: 'facebook:700000000000004', author: { id: NOA } });
  });

  it('puts the badge after the name link and finds the Lexical comment box', () => {
    const { doc, url: pageUrl } = load('comet-group-feed-en.html', GROUP_FEED);
    const post = elementOf(doc, pageUrl, 'facebook:700000000000001');
    const anchor = facebook.badgeAnchor(post);
    expect(anchor?.tagName).toBe('A');
    expect(anchor?.textContent).toBe('Dana Levi');
    expect(anchor?.getAttribute('aria-hidden')).toBeNull(); // not the avatar
    const box = facebook.replyBox(post);
    expect(box?.getAttribute('role')).toBe('textbox');
    expect(box?.getAttribute('contenteditable')).toBe('true');
    // A comment's reply goes to the same box of its post.
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:700000000000001_800000000000014'))).toBe(box);
    expect(facebook.badgeAnchor(elementOf(doc, pageUrl, 'facebook:700000000000001_800000000000014'))?.textContent).toBe('יוסי כהן');
    // The variant without a comment box on the page has none.
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:700000000000002'))).toBeUndefined();
  });
});

describe('facebook: Comet in Hebrew and Arabic (right-to-left)', () => {
  const project = (name: string) =>
    extract(name, GROUP_FEED).result.posts.map((post) => ({
      id: post.id,
      kind: post.kind,
      threadId: post.threadId,
      parentId: post.parentId,
      author: post.author,
      publishedAt: post.publishedAt,
      url: post.url,
      text: post.text,
    }));

  it.each(['comet-group-feed-he.html', 'comet-group-feed-ar.html'])('%s gives the same members, ids and times as English', (name) => {
    const { doc } = load(name, GROUP_FEED);
    expect(doc.documentElement.getAttribute('dir')).toBe('rtl');
    expect(project(name)).toEqual(project('comet-group-feed-en.html'));
  });

  it('shares no class name with the English page, so none can matter', () => {
    const classes = (name: string) => {
      const { doc } = load(name, GROUP_FEED);
      const all = new Set<string>();
      for (const el of Array.from(doc.querySelectorAll('[role="article"] [class]'))) el.classList.forEach((c) => all.add(c));
      return all;
    };
    const english = classes('comet-group-feed-en.html');
    for (const name of ['comet-group-feed-he.html', 'comet-group-feed-ar.html']) {
      expect([...classes(name)].filter((c) => english.has(c))).toEqual([]);
    }
  });

  it('reads Arabic-Indic digits and Hebrew relative times', () => {
    const ar = extract('comet-group-feed-ar.html', GROUP_FEED).byId;
    expect(ar.get('facebook:700000000000001')?.publishedAt).toBe(hoursAgo(96)); // "٤ ي"
    expect(ar.get('facebook:700000000000002_800000000000021')?.publishedAt).toBe(hoursAgo(0.75)); // "٤٥ د"
    const he = extract('comet-group-feed-he.html', GROUP_FEED).byId;
    expect(he.get('facebook:700000000000001_800000000000014')?.publishedAt).toBe(hoursAgo(3)); // "לפני 3 שעות"
  });
});

describe('facebook: infinite scroll and re-observation', () => {
  it('findPosts on a feed unit appended later returns only what it holds, each once', () => {
    const { doc, url: pageUrl } = load('comet-group-feed-en.html', GROUP_FEED);
    const page = context(doc, pageUrl);
    const before = facebook.findPosts(doc);
    const feed = doc.querySelector('[role="feed"]');
    const [unit] = fromTemplate(doc, 'appended-unit');
    if (!feed || !unit) throw new Error('fixture lacks the feed');
    feed.append(unit);

    const found = facebook.findPosts(unit);
    expect(found).toHaveLength(2);
    expect(new Set(found).size).toBe(found.length);
    expect(found.some((el) => before.includes(el))).toBe(false);
    const { posts } = extractPosts(facebook, unit, page);
    expect(posts.map((post) => [post.id, post.kind, post.parentId, post.author.id])).toEqual([
      ['facebook:700000000000004', 'post', null, NOA],
      ['facebook:700000000000004_800000000000041', 'comment', 'facebook:700000000000004', DANA],
    ]);
    // The root itself counts when it is a post.
    const article = unit.querySelector('[aria-posinset]');
    if (!article) throw new Error('no article');
    expect(facebook.findPosts(article)[0]).toBe(article);
    // The whole document still yields every element once.
    const all = facebook.findPosts(doc);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(before.length + 2);
  });

  it('a comment loaded later under an existing post joins its thread', () => {
    const { doc, url: pageUrl } = load('comet-group-feed-en.html', GROUP_FEED);
    const list = elementOf(doc, pageUrl, 'facebook:700000000000001').querySelector('ul');
    const [item] = fromTemplate(doc, 'appended-comment');
    if (!list || !item) throw new Error('fixture lacks the comment list');
    list.append(item);
    const { posts } = extractPosts(facebook, item, context(doc, pageUrl));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      id: 'facebook:700000000000001_800000000000015',
      kind: 'comment',
      threadId: 'facebook:700000000000001',
      author: { id: 'facebook:100005555555555', name: 'Yael Bar' },
      publishedAt: hoursAgo(10 / 60),
    });
  });

  it('a post keeps its id when re-rendered or read again', () => {
    const first = extract('comet-group-feed-en.html', GROUP_FEED).result.posts.map((post) => post.id);
    const { doc, url: pageUrl } = load('comet-group-feed-en.html', GROUP_FEED);
    const post = elementOf(doc, pageUrl, 'facebook:700000000000001');
    const clone = post.cloneNode(true) as Element;
    post.replaceWith(clone);
    expect(facebook.parsePost(clone, context(doc, pageUrl))?.id).toBe('facebook:700000000000001');
    expect(extractPage(facebook, doc, pageUrl, OBSERVED_AT)?.posts.map((p) => p.id)).toEqual(first);
  });
});

describe('facebook: Comet group post permalink', () => {
  it('finds the group id in its members’ links and the post id in its comments', () => {
    const { result, byId } = extract('comet-group-permalink.html', GROUP_POST);
    expect(result.community.id).toBe(GROUP);
    expect(byId.get('facebook:700000000000003')).toMatchObject({
      kind: 'post',
      author: { id: DANA },
      // The time link is "#" until hovered; its text still says when.
      publishedAt: hoursAgo(7 * 24),
      url: GROUP_POST,
      text: 'Welcome to all new members! Please introduce yourselves.',
    });
  });

  it('decodes base64 comment ids, keeps usernames, and skips anonymous authors', () => {
    const { result, byId } = extract('comet-group-permalink.html', GROUP_POST);
    expect(result.posts.map((post) => [post.id, post.kind, post.parentId])).toEqual([
      ['facebook:700000000000003', 'post', null],
      ['facebook:700000000000003_800000000000031', 'comment', 'facebook:700000000000003'],
      ['facebook:700000000000003_800000000000034', 'reply', 'facebook:700000000000003_800000000000031'],
      // 800000000000032 is "Anonymous participant": no link, no member.
      ['facebook:700000000000003_800000000000033', 'comment', 'facebook:700000000000003'],
    ]);
    expect(byId.get('facebook:700000000000003_800000000000031')?.author).toEqual({
      id: 'facebook:yael.bar',
      name: 'Yael Bar',
      profileUrl: 'https://www.facebook.com/yael.bar',
      isWeak: false,
    });
    // /groups/<g>/user/<uid>/ and profile.php?id=<uid> (feed fixture) are one member.
    expect(byId.get('facebook:700000000000003_800000000000033')?.author.id).toBe(NOA);
    expect(result.posts.map((post) => post.author.name)).not.toContain('Anonymous participant');
  });

  it('prefers a reply box open under the comment, else the post’s', () => {
    const { doc, url: pageUrl } = load('comet-group-permalink.html', GROUP_POST);
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:700000000000003_800000000000033'))?.id).toBe('reply-box-33');
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:700000000000003_800000000000031'))?.id).toBe('post-box-3');
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:700000000000003'))?.id).toBe('post-box-3');
  });
});

describe('facebook: Comet page post (dialog over the page)', () => {
  it('the page is the community and the author, by its numeric id', () => {
    const { result, byId } = extract('comet-page-post.html', PAGE_DIALOG);
    expect(result.community).toMatchObject({ id: PAGE, name: 'Kehila Café', url: 'https://www.facebook.com/444000555666777/' });
    expect(result.posts.map((post) => [post.id, post.kind, post.parentId, post.author.id])).toEqual([
      // No comment names this one by number: its pfbid is the only id there is. A friend's
      // "commented on this." line comes first; the header the article is labelled by names the page.
      ['facebook:pfbid02QmFirstPostXyz7Vc4a9Lm', 'post', null, CAFE],
      ['facebook:900000000000005', 'post', null, CAFE],
      ['facebook:900000000000005_910000000000001', 'comment', 'facebook:900000000000005', NOA],
      ['facebook:900000000000005_910000000000002', 'reply', 'facebook:900000000000005_910000000000001', CAFE],
    ]);
    expect(byId.get('facebook:900000000000005')).toMatchObject({
      url: 'https://www.facebook.com/KehilaCafe/posts/pfbid0DialogPostAbc123Def456Ghi',
      text: 'We are hiring baristas! Tag a friend.',
      publishedAt: hoursAgo(72),
      author: { name: 'Kehila Café', profileUrl: 'https://www.facebook.com/KehilaCafe' },
    });
  });

  it('finds the dialog’s comment box outside the post’s article', () => {
    const { doc, url: pageUrl } = load('comet-page-post.html', PAGE_DIALOG);
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:900000000000005'))?.id).toBe('dialog-box');
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:900000000000005_910000000000002'))?.id).toBe('dialog-box');
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:pfbid02QmFirstPostXyz7Vc4a9Lm'))).toBeUndefined();
  });
});

describe('facebook: m.facebook.com', () => {
  it('story page: ids from data-ft and data attributes, users from feed_story_ring', () => {
    const { result, byId } = extract('m-story-comments.html', M_STORY);
    // story.php?id=<owner>: a page, as the story's own data-ft says.
    expect(result.community.id).toBe(PAGE);
    expect(result.posts.map((post) => [post.id, post.kind, post.parentId, post.author.id, post.author.isWeak])).toEqual([
      ['facebook:900000000000007', 'post', null, CAFE, false],
      ['facebook:900000000000007_910000000000071', 'comment', 'facebook:900000000000007', DANA, false],
      ['facebook:900000000000007_910000000000072', 'comment', 'facebook:900000000000007', NOA, false],
      // An inline reply, nested in its comment; the username link loses to the numeric ring id.
      ['facebook:900000000000007_910000000000073', 'reply', 'facebook:900000000000007_910000000000072', 'facebook:100005555555555', false],
      // Only a name on the page: a weak member.
      ['facebook:900000000000007_910000000000074', 'comment', 'facebook:900000000000007', 'facebook:name:guest reviewer', true],
      // 910000000000075 is "Facebook User" with no id: UI text, not a member.
    ]);
    expect(byId.get('facebook:900000000000007')).toMatchObject({
      publishedAt: '2023-11-14T22:13:20.000Z', // data-ft publish_time
      url: 'https://www.facebook.com/story.php?story_fbid=900000000000007&id=444000555666777',
      text: 'Opening hours change next week.\nSee you soon! Bring a friend.',
    });
    expect(byId.get('facebook:900000000000007_910000000000071')).toMatchObject({
      publishedAt: hoursAgo(2),
      url: 'https://www.facebook.com/story.php?story_fbid=900000000000007&id=444000555666777&comment_id=910000000000071',
      text: 'Will you open on Saturdays?',
    });
    expect(byId.get('facebook:900000000000007_910000000000072')?.publishedAt).toBe(hoursAgo(24)); // "Yesterday at 10:15"
    expect(byId.get('facebook:900000000000007_910000000000073')?.url).toBe(
      'https://www.facebook.com/story.php?story_fbid=900000000000007&id=444000555666777&comment_id=910000000000072&reply_comment_id=910000000000073',
    );
  });

  it('story page: badge after the name, reply into the composer textarea', () => {
    const { doc, url: pageUrl } = load('m-story-comments.html', M_STORY);
    const story = elementOf(doc, pageUrl, 'facebook:900000000000007');
    expect(facebook.badgeAnchor(story)?.textContent).toBe('Kehila Café');
    const logged = elementOf(doc, pageUrl, 'facebook:900000000000007_910000000000072');
    expect(facebook.badgeAnchor(logged)?.tagName).toBe('A');
    // Logged out, the name is a bare element: the badge still goes after it.
    expect(facebook.badgeAnchor(elementOf(doc, pageUrl, 'facebook:900000000000007_910000000000071'))?.textContent).toBe('Dana Levi');
    const box = facebook.replyBox(story);
    expect(box?.tagName).toBe('TEXTAREA');
    expect(facebook.replyBox(logged)).toBe(box);
  });

  it('BigPipe page: nothing before the <code> blocks are unpacked, everything after', () => {
    const { doc, url } = load('m-bigpipe.html', M_BIGPIPE);
    expect(facebook.detect(doc, url)).toBe(true);
    expect(facebook.findPosts(doc)).toHaveLength(0);
    facebook.prepareSavedPage?.(doc);
    expect(doc.querySelectorAll('code')).toHaveLength(0);
    const html = doc.body.innerHTML;
    facebook.prepareSavedPage?.(doc); // idempotent
    expect(doc.body.innerHTML).toBe(html);

    const result = extractPage(facebook, doc, url, OBSERVED_AT);
    expect(result?.community.id).toBe(PAGE); // the page's id, from the unpacked story's data-ft
    expect(result?.posts.map((post) => [post.id, post.kind, post.parentId, post.author.id])).toEqual([
      ['facebook:900000000000008', 'post', null, CAFE],
      // The comments sit outside the story once unpacked; their tokens name the post.
      ['facebook:900000000000008_910000000000081', 'comment', 'facebook:900000000000008', DANA],
      ['facebook:900000000000008_910000000000082', 'comment', 'facebook:900000000000008', YOSSI],
    ]);
    // "on Sat" says a weekday, not a date: no guess.
    expect(result?.posts[1]?.publishedAt).toBeNull();
    const story = elementOf(doc, url, 'facebook:900000000000008');
    expect(facebook.replyBox(story)?.tagName).toBe('TEXTAREA');
  });

  it('a comment without its body contradicts the layout: the runtime is told, the rest still parse', () => {
    const { doc, url: pageUrl } = load('m-story-comments.html', M_STORY);
    const broken = doc.getElementById('910000000000071');
    broken?.querySelector('[data-sigil~="comment-body"]')?.remove();
    expect(() => facebook.parsePost(broken as Element, context(doc, pageUrl))).toThrow(AdapterError);
    const { posts, failures } = extractPosts(facebook, doc, context(doc, pageUrl));
    expect(failures).toEqual([{ where: '#910000000000071', message: expect.stringMatching(/^Expected a comment body/) }]);
    expect(posts).toHaveLength(4);
  });

  it('group feed: the same group, posts and people as on www', () => {
    const { result, byId } = extract('m-group-feed.html', M_GROUP);
    expect(result.community.id).toBe(GROUP); // slug address, data-ft group_id
    expect(result.posts.map((post) => [post.id, post.author.id, post.author.name])).toEqual([
      // A name without a link: the avatar's feed_story_ring id.
      ['facebook:700000000000001', DANA, 'Dana Levi'],
      // "<name> shared a post.": the sharer, not the shared page.
      ['facebook:700000000000002', YOSSI, 'יוסי כהן'],
    ]);
    expect(byId.get('facebook:700000000000001')).toMatchObject({
      publishedAt: '2018-04-03T20:02:00.000Z',
      url: 'https://www.facebook.com/groups/555000111222333?id=700000000000001&view=permalink',
      text: 'Does anyone know when the new version ships?\nAsking for the whole team.',
    });
    // The shared story's publish_time is the original's, never the share's.
    expect(byId.get('facebook:700000000000002')?.publishedAt).toBe(hoursAgo(22));
  });
});

describe('facebook: classic www', () => {
  it('news feed: hovercard ids, data-utime, a UFI2 comment, and no ads', () => {
    const { result, byId } = extract('classic-feed.html', NEWS_FEED);
    expect(result.community.id).toBe('facebook:feed');
    // Sponsored stories are candidates but not members' posts (see the corpus test).
    expect(result.candidates).toBe(4);
    expect(result.posts.map((post) => [post.id, post.kind, post.author.id])).toEqual([
      ['facebook:900000000000009', 'post', CAFE],
      ['facebook:900000000000009_910000000000091', 'comment', NOA],
    ]);
    expect(byId.get('facebook:900000000000009')).toMatchObject({
      publishedAt: '2018-04-02T19:08:32.000Z',
      url: 'https://www.facebook.com/KehilaCafe/posts/900000000000009',
      text: 'Our new branch opens today!\nCome early.',
    });
    expect(byId.get('facebook:900000000000009_910000000000091')).toMatchObject({
      parentId: 'facebook:900000000000009',
      // The author's link carries comment_id too; the time link is the comment's permalink.
      url: 'https://www.facebook.com/KehilaCafe/posts/900000000000009?comment_id=910000000000091',
      text: 'Congratulations!',
    });
    const { doc, url: pageUrl } = load('classic-feed.html', NEWS_FEED);
    expect(facebook.replyBox(elementOf(doc, pageUrl, 'facebook:900000000000009'))?.id).toBe('classic-box');
  });

  it('logged-out permalink: the page id from feed_subtitle, sidebar teasers ignored', () => {
    const { result } = extract('classic-permalink.html', CLASSIC_PERMALINK);
    expect(result.community.id).toBe(PAGE);
    expect(result.candidates).toBe(1);
    expect(result.posts).toEqual([
      {
        id: 'facebook:900000000000009',
        communityId: PAGE,
        threadId: 'facebook:900000000000009',
        parentId: null,
        kind: 'post',
        author: { id: CAFE, name: 'Kehila Café', profileUrl: 'https://www.facebook.com/KehilaCafe', isWeak: false },
        publishedAt: '2018-04-02T19:08:32.000Z',
        url: 'https://www.facebook.com/KehilaCafe/posts/900000000000009',
        text: 'Our new branch opens today! Come early.',
      },
    ]);
  });
});

describe('facebook: one member key per person, whatever the link', () => {
  const base = new URL('https://www.facebook.com/groups/555000111222333/');
  it.each([
    ['/groups/555000111222333/user/100001111111111/?__cft__[0]=AZ&__tn__=-R', { id: '100001111111111' }],
    ['https://www.facebook.com/profile.php?id=100001111111111&__cft__[0]=AZ', { id: '100001111111111' }],
    ['https://m.facebook.com/profile.php?id=100001111111111&refid=18&__tn__=R', { id: '100001111111111' }],
    ['/people/Dana-Levi/100001111111111/', { id: '100001111111111' }],
    ['/dana.levi?refid=52&__tn__=C-R', { vanity: 'dana.levi' }],
    ['https://www.facebook.com/Dana.Levi/', { vanity: 'Dana.Levi' }],
    ['/100001111111111', { id: '100001111111111' }],
  ])('%s', (href, expected) => {
    expect(profileFromHref(href, base)).toEqual(expected);
  });

  it.each([
    '/groups/555000111222333/',
    '/groups/555000111222333/posts/700000000000001/',
    '/KehilaCafe/photos/a.1/2/',
    '/hashtag/release',
    '/story.php?story_fbid=1&id=2',
    'https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com',
    'https://example.com/dana.levi',
    '#',
  ])('%s is no profile', (href) => {
    expect(profileFromHref(href, base)).toBeUndefined();
  });

  it('reads post and comment ids from every permalink form', () => {
    expect(postIdFromHref('/groups/g/posts/700000000000001/?__cft__[0]=x', base)?.id).toBe('700000000000001');
    expect(postIdFromHref('/groups/g/permalink/700000000000001/', base)?.id).toBe('700000000000001');
    expect(postIdFromHref('/119240841493711/posts/check-out-these/3065154550235644/', base)?.id).toBe('3065154550235644');
    expect(postIdFromHref('/story.php?story_fbid=3065154550235644&id=119240841493711', base)?.id).toBe('3065154550235644');
    expect(postIdFromHref('/groups/117507531664134?view=permalink&id=1629606003787605&refid=18', base)?.id).toBe('1629606003787605');
    expect(postIdFromHref('/groups/g/?multi_permalinks=700000000000001', base)?.id).toBe('700000000000001');
    expect(postIdFromHref('/photo/?fbid=1&set=gm.700000000000001', base)).toEqual({ id: '700000000000001', strength: 'media' });
    expect(commentFromHref('/groups/g/posts/7/?comment_id=Y29tbWVudDo3MDAwMDAwMDAwMDAwMDNfODAwMDAwMDAwMDAwMDMx', base)).toEqual({
      postId: '700000000000003',
      commentId: '800000000000031',
      replyId: undefined,
    });
    expect(commentFromHref('/groups/g/posts/700000000000001/?comment_id=11&reply_comment_id=12', base)).toEqual({
      postId: '700000000000001',
      commentId: '11',
      replyId: '12',
    });
    expect(commentFromHref('/groups/g/posts/700000000000001/', base)).toBeUndefined();
  });

  it('keeps only the parameters that say which post or comment a permalink is, encoded as a form would', () => {
    const clean = (href: string) => cleanPermalink(new URL(href));
    expect(clean('https://m.facebook.com/groups/g/posts/700000000000001/?__cft__[0]=AZX&__tn__=%2CO%2CP-R')).toBe(
      'https://www.facebook.com/groups/g/posts/700000000000001/',
    );
    expect(clean('https://www.facebook.com/groups/g/posts/7/?comment_id=800000000000010&__cft__[0]=AZX&reply_comment_id=9')).toBe(
      'https://www.facebook.com/groups/g/posts/7/?comment_id=800000000000010&reply_comment_id=9',
    );
    expect(clean('https://www.facebook.com/story.php?id=119240841493711&story_fbid=pfbid0abc.DEF_g*h-1&refid=52')).toBe(
      'https://www.facebook.com/story.php?story_fbid=pfbid0abc.DEF_g*h-1&id=119240841493711',
    );
    // Values outside the ids' alphabet are written exactly as URLSearchParams writes them.
    const odd = 'https://www.facebook.com/permalink.php?story_fbid=a%20b%2Bc%2F%C3%A9~&id=x%26y';
    const expected = new URL(odd);
    const params = new URLSearchParams([
      ['story_fbid', expected.searchParams.get('story_fbid')!],
      ['id', expected.searchParams.get('id')!],
    ]);
    expect(clean(odd)).toBe(`https://www.facebook.com/permalink.php?${params.toString()}`);
    expect(clean(odd)).toBe('https://www.facebook.com/permalink.php?story_fbid=a+b%2Bc%2F%C3%A9%7E&id=x%26y');
  });

  it('names the community after the address: group, page or the news feed', () => {
    const community = (url: string, html = '<html><body><div role="feed"></div></body></html>') => {
      const { doc, url: pageUrl } = parsePage(html, url);
      return facebook.community(doc, pageUrl)?.id;
    };
    expect(community('https://www.facebook.com/groups/117507531664134/')).toBe('facebook:group:117507531664134');
    expect(community('https://www.facebook.com/groups/KehilaTesters/members')).toBe('facebook:group:kehilatesters');
    expect(community('https://www.facebook.com/groups/feed/')).toBe('facebook:feed');
    expect(community('https://www.facebook.com/')).toBe('facebook:feed');
    expect(community('https://www.facebook.com/watch/?v=1')).toBe('facebook:feed');
    expect(community('https://www.facebook.com/Nintendo/')).toBe('facebook:page:nintendo');
    expect(community('https://m.facebook.com/pages/category/Video-Game/Nintendo/posts/')).toBe('facebook:page:nintendo');
    expect(community('https://www.facebook.com/119240841493711/posts/1/')).toBe('facebook:page:119240841493711');
    // A person's profile address is no page: without a page's own data it is the feed.
    expect(community('https://www.facebook.com/profile.php?id=100001111111111')).toBe('facebook:feed');
  });
});
