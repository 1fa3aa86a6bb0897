/**
 * Hacker News (news.ycombinator.com): item pages (a story or a comment with its tree below),
 * story listings (front page, new, ask, show) and comment listings (newcomments, threads).
 */
import { communityId, memberId, postId } from '@/lib/model/ids';
import { MAX_TEXT_LENGTH } from '@/lib/model/limits';
import type { ObservedAuthor, ObservedPost } from '@/lib/model/observed';
import { absoluteUrl, cleanText, expectElement, parseIsoAttribute, queryAllWithSelf, queryFirst, readableText } from './dom';
import { fromUnixSeconds, parseRelativeTime } from './time';
import { AdapterError, type PageContext, type SiteAdapter } from './types';

const PLATFORM = 'hackernews';
const HOST = 'news.ycombinator.com';
const ORIGIN = `https://${HOST}/`;
const COMMUNITY_ID = communityId(PLATFORM, HOST);

// Pages that always list member stories (/jobs lists ads, which have no submitter).
const STORY_LISTINGS = ['/', '/news', '/newest', '/front', '/ask', '/show', '/best', '/active'];
const COMMENT_LISTINGS = ['/newcomments', '/threads'];

const PAGE_FINGERPRINTS = [
  // every page: the outer <table id="hnmain">
  '#hnmain',
  // every page: <b class="hnname"><a href="news">Hacker News</a></b> in the orange bar
  '.hnname',
  // item and listing pages: item rows
  'tr.athing',
];

// Every item HN lists is a <tr class="athing" id="<item id>">: stories ("athing submission"
// since 2024), comments in a tree ("athing comtr"), the page's own item in table.fatitem,
// comments on newcomments pages ("athing"), and poll options (no author; skipped).
const ITEMS = 'tr.athing[id]';
// A comment row carries its text cell. (Not .comhead: a story's "(example.com)" is a
// "sitebit comhead" too.)
const COMMENT_CELLS = [
  // comment text, or the [deleted]/[flagged] stub in its place
  '.comment',
  '.commtext',
  // the cell holding header and text
  'td.default',
];
const STORY_TITLES = [
  // 2022+: <span class="titleline"><a href="…">Title</a>
  '.titleline > a',
  // before 2022: <a class="storylink">
  'a.storylink',
  // oldest markup: the title link straight in its cell
  'td.title > a',
];
// The item on an item page (story, or comment when you open one), above the comment tree.
const PAGE_ITEM = 'table.fatitem tr.athing[id]';

const COMMENT_BODIES = [
  // <span class="commtext c00"> (a <div> since 2024)
  '.commtext',
];
// The "reply" link HN prints under the text, inside .comment on some layouts.
const NOT_OWN_TEXT = '.reply';

/** Hacker News item pages and listings. */
export const hackernews: SiteAdapter = {
  id: 'hackernews',
  matches: [`*://${HOST}/*`],

  detect(doc, url) {
    return url.hostname === HOST && queryFirst(doc, PAGE_FINGERPRINTS) !== undefined;
  },

  community(_doc, url) {
    if (url.hostname !== HOST) return undefined;
    return { id: COMMUNITY_ID, platform: PLATFORM, name: 'Hacker News', url: ORIGIN };
  },

  pageKind(doc, url) {
    if (url.hostname !== HOST) return undefined;
    if (url.pathname === '/item') {
      // A job ad's page has no submitter (and no points), so it has nothing to show.
      const subtext = doc.querySelector('table.fatitem .subtext');
      return subtext && !subtext.querySelector('.score, a.hnuser') ? undefined : 'item';
    }
    if (STORY_LISTINGS.includes(url.pathname)) return 'listing';
    return COMMENT_LISTINGS.includes(url.pathname) ? 'comments' : undefined;
  },

  findPosts(root) {
    return queryAllWithSelf(root, ITEMS);
  },

  parsePost(el, page) {
    const key = itemKey(el);
    if (isStory(el)) return parseStory(el, key, page);
    if (isComment(el)) return parseComment(el, key, page);
    // Poll options and anything else without an author line.
    return undefined;
  },

  badgeAnchor(el) {
    if (isStory(el)) return subtextOf(el)?.querySelector('a.hnuser') ?? undefined;
    return el.querySelector('.comhead a.hnuser') ?? undefined;
  },

  replyBox(el) {
    return replyBoxFor(el);
  },
};

function itemKey(el: Element): string {
  if (!/^\d+$/.test(el.id)) throw new AdapterError(`Expected a numeric item id on tr.athing, found "${el.id}"`);
  return el.id;
}

/** Call after isStory: a story row has no comment cell, a comment row no title. */
function isComment(el: Element): boolean {
  return el.classList.contains('comtr') || queryFirst(el, COMMENT_CELLS) !== undefined;
}

function isStory(el: Element): boolean {
  return queryFirst(el, STORY_TITLES) !== undefined;
}

/** A story's author line sits in the next row: <tr><td class="subtext"> … by <a class="hnuser">. */
function subtextOf(story: Element): Element | undefined {
  const next = story.nextElementSibling;
  return next?.querySelector('.subtext') ?? undefined;
}

function readAuthor(userLink: Element | null | undefined): ObservedAuthor | undefined {
  if (!userLink) return undefined;
  const href = absoluteUrl(userLink.getAttribute('href'), new URL(ORIGIN));
  // user?id=<name>; the name is case-sensitive on HN (pg and PG are two people).
  const username = (href ? new URL(href).searchParams.get('id') : null) ?? cleanText(userLink);
  if (!username) return undefined;
  return {
    id: memberId(PLATFORM, username),
    name: cleanText(userLink) || username,
    profileUrl: new URL(`user?id=${encodeURIComponent(username)}`, ORIGIN).href,
    isWeak: false,
  };
}

function itemUrl(key: string): string {
  return new URL(`item?id=${key}`, ORIGIN).href;
}

/** HN's `title` is "2023-07-21T18:04:01" (UTC), lately followed by the Unix time. */
function readAge(age: Element | null | undefined, observedAt: Date): string | null {
  if (!age) return null;
  const [iso, unix] = (age.getAttribute('title') ?? '').trim().split(/\s+/);
  return fromUnixSeconds(unix) ?? parseIsoAttribute(iso) ?? parseRelativeTime(cleanText(age), observedAt);
}

function parseStory(el: Element, key: string, page: PageContext): ObservedPost | undefined {
  const subtext = expectElement(subtextOf(el), 'the story subtext row (td.subtext)', el);
  // Job ads have no submitter.
  const author = readAuthor(subtext.querySelector('a.hnuser'));
  if (!author) return undefined;

  const title = cleanText(queryFirst(el, STORY_TITLES));
  // Ask HN / Show HN text, only on the story's own page.
  const topText = el.closest('table.fatitem')?.querySelector('.toptext');
  const text = [title, topText ? readableText(topText) : ''].filter(Boolean).join('\n').slice(0, MAX_TEXT_LENGTH);
  const id = postId(PLATFORM, key);
  return {
    id,
    communityId: COMMUNITY_ID,
    threadId: id,
    parentId: null,
    kind: 'post',
    author,
    publishedAt: readAge(subtext.querySelector('.age'), page.observedAt),
    url: itemUrl(key),
    text,
  };
}

function parseComment(el: Element, key: string, page: PageContext): ObservedPost | undefined {
  // [deleted] and (without showdead) [flagged]/[dead] comments name no author.
  const author = readAuthor(el.querySelector('.comhead a.hnuser'));
  if (!author) return undefined;

  const body = expectElement(queryFirst(el, COMMENT_BODIES), 'the comment text (.commtext)', el);
  const storyKey = storyKeyOf(el, page);
  const parentKey = parentKeyOf(el, page);
  if (!storyKey) throw new AdapterError(`Expected the story of comment ${key} (table.fatitem or an "on:" link), found none`);
  if (!parentKey) throw new AdapterError(`Expected the parent of comment ${key} (indentation or a parent link), found none`);

  return {
    id: postId(PLATFORM, key),
    communityId: COMMUNITY_ID,
    threadId: postId(PLATFORM, storyKey),
    parentId: postId(PLATFORM, parentKey),
    kind: parentKey === storyKey ? 'comment' : 'reply',
    author,
    publishedAt: readAge(el.querySelector('.comhead .age'), page.observedAt),
    url: itemUrl(key),
    text: readableText(body, (child) => child.matches(NOT_OWN_TEXT)),
  };
}

/** Item id of an `item?id=<n>` link that points at an item, not at a row of this page (`#<n>`). */
function linkedItem(link: Element, page: PageContext): string | undefined {
  const href = absoluteUrl(link.getAttribute('href'), page.url);
  if (!href) return undefined;
  const url = new URL(href);
  if (url.hostname !== HOST || url.pathname !== '/item' || url.hash) return undefined;
  const id = url.searchParams.get('id');
  return id && /^\d+$/.test(id) ? id : undefined;
}

/** The story a comment belongs to: its own "on: <story>" link, else the story this page is about. */
function storyKeyOf(el: Element, page: PageContext): string | undefined {
  const onStory = el.querySelector('.onstory a[href]');
  const own = onStory ? linkedItem(onStory, page) : undefined;
  if (own) return own;
  const pageItem = el.ownerDocument.querySelector(PAGE_ITEM);
  if (!pageItem) return undefined;
  if (isStory(pageItem)) return pageItem.id;
  // A comment's own page: its "on:" link names the story.
  const pageOnStory = pageItem.querySelector('.onstory a[href]');
  return pageOnStory ? linkedItem(pageOnStory, page) : undefined;
}

/**
 * The parent of a comment. Rows on newcomments/threads pages and the page's own comment link
 * to it (`item?id=<parent>`); rows in a tree do not (their links are `#<id>` anchors), so
 * there the parent is the nearest row above with a smaller indent, and a top-level row
 * answers the page's item (the story, or the comment whose page this is).
 */
function parentKeyOf(el: Element, page: PageContext): string | undefined {
  const linked = Array.from(el.querySelectorAll('.navs a[href]'))
    .filter((link) => !link.closest('.onstory'))
    .map((link) => ({ link, id: linkedItem(link, page) }))
    .filter((candidate): candidate is { link: Element; id: string } => candidate.id !== undefined);
  if (linked.length === 1) return linked[0]?.id;
  if (linked.length > 1) {
    // More than one item link ("root" and "parent" on deep comments): the link text is
    // only a tie-breaker here, HN's UI is English-only but we do not lean on it alone.
    return (linked.find(({ link }) => cleanText(link) === 'parent') ?? linked[linked.length - 1])?.id;
  }

  const depth = indentOf(el);
  if (depth > 0) {
    for (let row = el.previousElementSibling; row; row = row.previousElementSibling) {
      if (row.matches('tr.athing.comtr') && indentOf(row) < depth) return row.id;
    }
    return undefined;
  }
  const pageItem = el.ownerDocument.querySelector(PAGE_ITEM);
  return pageItem && pageItem !== el ? pageItem.id : undefined;
}

/** Depth in the tree: `<td class="ind" indent="2">`, or on older pages a spacer 40px per level. */
function indentOf(row: Element): number {
  const cell = row.querySelector('td.ind');
  if (!cell) return 0;
  const indent = cell.getAttribute('indent');
  if (indent && /^\d+$/.test(indent)) return Number(indent);
  const width = cell.querySelector('img[width]')?.getAttribute('width');
  return width && /^\d+$/.test(width) ? Math.round(Number(width) / 40) : 0;
}

/**
 * HN has no inline reply boxes: the item a page is about has one (form action="comment" with
 * `<input name="parent" value="<item id>">`), every other comment is answered on its own
 * reply page.
 */
function replyBoxFor(el: Element): HTMLElement | undefined {
  if (!/^\d+$/.test(el.id)) return undefined;
  const doc = el.ownerDocument;
  const form = doc.querySelector(`input[name="parent"][value="${el.id}"]`)?.closest('form');
  const box = form?.querySelector('textarea[name="text"]');
  if (box) return box as HTMLElement;
  // Older pages put the form in the item's table without a parent field.
  if (el.matches(PAGE_ITEM)) {
    return (el.closest('table.fatitem')?.querySelector('textarea[name="text"]') as HTMLElement | null) ?? undefined;
  }
  return undefined;
}

/*
 * Test URLs (page kinds this adapter reads):
 * - story with comment tree:   https://news.ycombinator.com/item?id=36817231
 * - a comment's own page:      https://news.ycombinator.com/item?id=36818754
 * - story listings:            https://news.ycombinator.com/news, /newest, /ask, /show, /front
 * - comment listings:          https://news.ycombinator.com/newcomments, /threads?id=<user>
 */
