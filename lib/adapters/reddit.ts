/**
 * Reddit, in the three layouts people still meet:
 * - old.reddit.com: server-rendered `div.thing` elements carrying data-* attributes (fullname,
 *   author, subreddit, permalink), replies nested inside the parent's `.child`;
 * - the 2018–2023 React redesign ("new reddit"): `div#t3_…` posts and a FLAT list of
 *   `div#t1_…` comments whose nesting is only visible in the thread lines; its
 *   styled-components class names change with every build, so only ids, data-test ids,
 *   `/user/<name>` hrefs and the few semantic classes (`Post`, `Comment`, `threadline`,
 *   `t1_<id>`) are read;
 * - today's "shreddit" web components: `<shreddit-post>` and `<shreddit-comment>` carry author,
 *   ids, parent ids and ISO times as attributes; replies are nested light-DOM children.
 * Recognised by host (reddit.com and its subdomains) and by DOM.
 */
import { communityId, memberId, postId } from '@/lib/model/ids';
import { MAX_TEXT_LENGTH } from '@/lib/model/limits';
import type { ObservedAuthor, ObservedCommunity, ObservedPost, PostKind } from '@/lib/model/observed';
import { absoluteUrl, cleanText, expectElement, parseIsoAttribute, queryAllWithSelf, queryFirst, readableText, toIso } from './dom';
import { parseRelativeTime } from './time';
import { AdapterError, type PageContext, type SiteAdapter } from './types';

const PLATFORM = 'reddit';

/** reddit.com, www., old., new., np., i18n subdomains (de.reddit.com) … */
const HOST = /(^|\.)reddit\.com$/i;

// Where permalinks and profile URLs point, whichever layout the page was read in, so the same
// post or person keeps one URL.
const CANONICAL_ORIGIN = 'https://www.reddit.com';

const FINGERPRINT = [
  'shreddit-app', // shreddit: the root element of every page
  'shreddit-post, shreddit-comment', // shreddit: saved fragments and partials
  '.thing[data-fullname]', // old reddit: every listing item (posts, comments)
  '#siteTable', // old reddit: the listing container, present even when empty
  '#SHORTCUT_FOCUSABLE_DIV', // redesign: the React app root
  'div.Post[id^="t3_"]', // redesign: a post card or the post of a post page
].join(',');

const POST = [
  'shreddit-post', // shreddit: post page and feed cards
  'shreddit-comment', // shreddit: each comment, replies nested inside it
  'div.thing.link[data-fullname^="t3_"]', // old reddit: a submission
  'div.thing.comment[data-fullname^="t1_"]', // old reddit: a comment, replies inside its .child
  'div[id^="t3_"]', // redesign: the post (filtered by REDESIGN_ID below)
  'div[id^="t1_"]', // redesign: one comment of the flat comment list (filtered by REDESIGN_ID)
].join(',');

// The redesign's own ids are exactly `t3_<id>` / `t1_<id>`; shreddit reuses the prefix for
// other things ("t1_x-comment-rtjson-content", "t3_x-aspect-ratio") and its "load more" stubs
// are "moreComments-t1_x", none of which are posts.
const REDESIGN_ID = /^t[13]_[a-z0-9]+$/;
const FULLNAME = /^t[13]_[a-z0-9]+$/;
const COMMENT_FULLNAME = /^t1_[a-z0-9]+$/;

// Reddit usernames are 3–20 letters, digits, '_' and '-' (older accounts may be shorter).
// Anything else ("[deleted]", "[removed]", "u/…", UI text) is not a member.
const USERNAME = /^[A-Za-z0-9_-]{1,40}$/;

// Listings that gather several subreddits: not a community of their own.
const NOT_SUBREDDITS = new Set(['all', 'popular', 'friends', 'mod', 'random', 'randnsfw', 'myrandom', 'home']);

type Layout = 'shreddit' | 'old' | 'redesign';

function layoutOf(el: Element): Layout | undefined {
  const tag = el.localName;
  if (tag === 'shreddit-post' || tag === 'shreddit-comment') return 'shreddit';
  if (el.classList.contains('thing')) return 'old';
  if (REDESIGN_ID.test(el.id)) return 'redesign';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Shared readers

function usernameFromHref(href: string | null | undefined): string | undefined {
  const match = href ? /\/(?:user|u)\/([^/?#]+)/.exec(href) : null;
  const name = match?.[1];
  return name && USERNAME.test(name) ? name : undefined;
}

function subredditFromPath(path: string | null | undefined): string | undefined {
  const match = path ? /(?:^|\/)r\/([A-Za-z0-9_]{2,21})(?=[/?#]|$)/.exec(path) : null;
  const sub = match?.[1];
  return sub && !NOT_SUBREDDITS.has(sub.toLowerCase()) ? sub : undefined;
}

/** "r/AskReddit", "AskReddit" → "AskReddit". */
function subredditFromName(name: string | null | undefined): string | undefined {
  const sub = name?.trim().replace(/^\/?r\//i, '');
  return sub && /^[A-Za-z0-9_]{2,21}$/.test(sub) && !NOT_SUBREDDITS.has(sub.toLowerCase()) ? sub : undefined;
}

/** `t3_<id>` of the post a permalink belongs to (`/comments/<id>/…`). */
function postFullnameFromPath(path: string | null | undefined): string | undefined {
  const id = path ? /\/comments\/([a-z0-9]+)(?=[/?#]|$)/i.exec(path)?.[1] : undefined;
  return id ? `t3_${id.toLowerCase()}` : undefined;
}

/** `t1_<id>` a comment permalink points at (`/comments/<post>/<slug or "comment">/<id>/`). */
function commentFullnameFromPath(path: string | null | undefined): string | undefined {
  const id = path ? /\/comments\/[a-z0-9]+\/[^/?#]+\/([a-z0-9]+)\/?(?:[?#]|$)/i.exec(path)?.[1] : undefined;
  return id ? `t1_${id.toLowerCase()}` : undefined;
}

/** Absolute www.reddit.com URL without tracking query or fragment; null when not reddit's. */
function permalink(href: string | null | undefined): string | null {
  const absolute = absoluteUrl(href, new URL(CANONICAL_ORIGIN));
  if (!absolute) return null;
  const url = new URL(absolute);
  if (!HOST.test(url.hostname)) return null;
  return `${CANONICAL_ORIGIN}${url.pathname}`;
}

function authorOf(username: string): ObservedAuthor {
  return {
    id: memberId(PLATFORM, username.toLowerCase()),
    name: username,
    profileUrl: `${CANONICAL_ORIGIN}/user/${username}/`,
    isWeak: false,
  };
}

function communityIdOf(sub: string | undefined, page: PageContext): string {
  return sub ? communityId(PLATFORM, `r/${sub.toLowerCase()}`) : page.community.id;
}

/** First match of `selector` inside `el` that belongs to `el` itself, not to a nested item. */
function ownQuery(el: Element, selector: string, boundary: string): Element | undefined {
  for (const found of Array.from(el.querySelectorAll(selector))) {
    if (found.closest(boundary) === el) return found;
  }
  return undefined;
}

function ownQueryFirst(el: Element, selectors: readonly string[], boundary: string): Element | undefined {
  for (const selector of selectors) {
    const found = ownQuery(el, selector, boundary);
    if (found) return found;
  }
  return undefined;
}

/**
 * The page-level reply box of a post (the comment form under a post page's post): the first
 * match outside every comment whose nearest post above it is `post` (a feed behind a post
 * opened as an overlay has posts of its own).
 */
function documentReplyBox(post: Element, selectors: readonly string[], comment: string, postSelector: string): HTMLElement | undefined {
  for (const selector of selectors) {
    for (const box of Array.from(post.ownerDocument.querySelectorAll(selector))) {
      if (box.closest(comment)) continue;
      if (nearestPostAbove(box, postSelector) === post) return box as HTMLElement;
    }
  }
  return undefined;
}

function nearestPostAbove(node: Element, postSelector: string): Element | undefined {
  for (let ancestor = node.parentElement; ancestor; ancestor = ancestor.parentElement) {
    const post = ancestor.matches(postSelector) ? ancestor : ancestor.querySelector(postSelector);
    if (post) return post;
  }
  return undefined;
}

/** Title and body of a post as one text, capped like readableText caps one element. */
function joinText(...parts: string[]): string {
  return parts.filter(Boolean).join('\n').slice(0, MAX_TEXT_LENGTH);
}

function makePost(fields: {
  fullname: string;
  threadFullname: string;
  parentFullname: string | null;
  sub: string | undefined;
  page: PageContext;
  author: ObservedAuthor;
  publishedAt: string | null;
  url: string | null;
  text: string;
}): ObservedPost {
  const { fullname, threadFullname, parentFullname, page } = fields;
  const kind: PostKind = fullname.startsWith('t3_')
    ? 'post'
    : parentFullname && parentFullname.startsWith('t1_')
      ? 'reply'
      : 'comment';
  return {
    id: postId(PLATFORM, fullname),
    communityId: communityIdOf(fields.sub, page),
    threadId: postId(PLATFORM, threadFullname),
    parentId: kind === 'post' ? null : postId(PLATFORM, parentFullname ?? threadFullname),
    kind,
    author: fields.author,
    publishedAt: fields.publishedAt,
    url: fields.url,
    text: fields.text,
  };
}

// ---------------------------------------------------------------------------------------------
// old.reddit.com

const OLD_BOUNDARY = '.thing';

// Everything a .thing says about itself is in its own .entry; its replies live in the
// sibling .child, so reading the entry alone never strays into them.
const OLD_AUTHOR_LINK = [
  '.tagline a.author', // comments and posts: "[–] name 12 points 3 hours ago"
  'a.author', // an author link placed elsewhere in the entry
] as const;

const OLD_TIME = [
  '.tagline time.live-timestamp[datetime]', // "submitted 14 hours ago" / comment age
  '.tagline time[datetime]:not(.edited-timestamp)', // same, before live-timestamp existed
] as const;

function oldEntry(el: Element): Element | undefined {
  for (let child = el.firstElementChild; child; child = child.nextElementSibling) {
    if (child.classList.contains('entry')) return child;
  }
  return undefined;
}

function isOldPromoted(el: Element): boolean {
  return el.getAttribute('data-promoted') === 'true' || el.classList.contains('promoted') || el.classList.contains('promotedlink');
}

function parseOld(el: Element, page: PageContext): ObservedPost | undefined {
  const fullname = el.getAttribute('data-fullname') ?? '';
  if (!FULLNAME.test(fullname)) {
    throw new AdapterError(`Expected a t1_/t3_ data-fullname on an old reddit .thing, found "${fullname}"`);
  }
  if (isOldPromoted(el)) return undefined;

  const entry = expectElement(oldEntry(el), 'an .entry', el);
  const link = queryFirst(entry, OLD_AUTHOR_LINK);
  // data-author is the username; deleted comments have none (or "[deleted]") and no a.author.
  const username = [el.getAttribute('data-author'), usernameFromHref(link?.getAttribute('href'))].find(
    (name): name is string => !!name && USERNAME.test(name),
  );
  if (!username) return undefined;

  const isPost = fullname.startsWith('t3_');
  const path = el.getAttribute('data-permalink') ?? entry.querySelector('a.bylink[data-event-action="permalink"]')?.getAttribute('href');
  const threadFullname = isPost
    ? fullname
    : postFullnameFromPath(path) ?? postFullnameFromPath(page.url.pathname);
  if (!threadFullname) {
    throw new AdapterError(`Expected a /comments/<id>/ permalink on old reddit comment ${fullname}, found "${path ?? ''}"`);
  }

  const ms = el.getAttribute('data-timestamp');
  const publishedAt =
    (ms && /^\d{12,14}$/.test(ms) ? toIso(Number(ms)) : null) ??
    parseIsoAttribute(queryFirst(entry, OLD_TIME)?.getAttribute('datetime'));

  const body = entry.querySelector('.usertext-body .md');
  const title = isPost ? cleanText(entry.querySelector('a.title')) : '';
  const text = isPost ? joinText(title, body ? readableText(body) : '') : body ? readableText(body) : '';

  return makePost({
    fullname,
    threadFullname,
    parentFullname: isPost ? null : oldParent(el, entry) ?? threadFullname,
    sub: subredditFromName(el.getAttribute('data-subreddit')) ?? subredditFromPath(path),
    page,
    author: authorOf(username),
    publishedAt,
    url: permalink(path),
    text,
  });
}

/** The comment's parent: the enclosing .thing, else the "parent" button of deep-thread pages. */
function oldParent(el: Element, entry: Element): string | undefined {
  const enclosing = el.parentElement?.closest('.thing[data-fullname]')?.getAttribute('data-fullname');
  if (enclosing && FULLNAME.test(enclosing)) return enclosing;
  // A permalink page ("continue this thread") shows a reply without its parent; the parent
  // button then links to "#<id>" or to the parent's permalink.
  const href = entry.querySelector('a[data-event-action="parent"]')?.getAttribute('href');
  const anchor = href ? /^#([a-z0-9]+)$/.exec(href)?.[1] : undefined;
  return anchor ? `t1_${anchor}` : commentFullnameFromPath(href);
}

function oldReplyBox(el: Element): HTMLElement | undefined {
  const fullname = el.getAttribute('data-fullname') ?? '';
  if (fullname.startsWith('t1_')) {
    // Reddit's reply() clones the comment form to the top of the comment's own .child; the
    // edit form of one's own comment lives in .entry and is not a reply box.
    const child = Array.from(el.children).find((node) => node.classList.contains('child'));
    const form = Array.from(child?.children ?? []).find((node) => node.localName === 'form');
    return (form?.querySelector('textarea[name="text"]') as HTMLElement | null) ?? undefined;
  }
  // The post's reply box is the comment form above the comment area, addressed to its fullname.
  for (const box of Array.from(el.ownerDocument.querySelectorAll('.commentarea form textarea[name="text"]'))) {
    const form = box.closest('form');
    const target = form?.querySelector('input[name="thing_id"]')?.getAttribute('value');
    if (target === fullname && !box.closest(OLD_BOUNDARY)) return box as HTMLElement;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The 2018–2023 redesign

// Post and comment bodies: user links inside them are mentions, never the author.
const REDESIGN_BODY = [
  '[data-testid="comment"]', // 2020+ comment body
  '[data-test-id="comment"]', // 2019 comment body
  '[data-click-id="text"]', // post self-text
  '.RichTextJSON-root', // rich text of either
].join(',');

const REDESIGN_AUTHOR = [
  'a[data-testid="comment_author_link"]', // 2020+: the name in a comment header
  'a[data-testid="post_author_link"]', // 2020+: "Posted by u/<name>"
  'a[data-testid="comment_author_icon"]', // 2021+: the avatar link (the only one in some saves)
  'a[href*="/user/"]', // 2019: header links carry no test id
] as const;

const REDESIGN_COMMENT_TIME = [
  'a[id^="CommentTopMeta--Created--"]', // "11 days ago" / "3 yr. ago", href = permalink
  'a[data-testid="comment_timestamp"]', // same link, 2020+ test id
] as const;

const REDESIGN_POST_TIME = [
  'a[id^="PostTopMeta--Created--"]', // 2019: "11 days ago", href = permalink
  '[data-testid="post_timestamp"]', // 2020+: "3 years ago" (a span on post pages)
  '[data-click-id="timestamp"]', // either
] as const;

// The reply editor opens inside the comment's own wrapper.
const REDESIGN_EDITOR = [
  '[contenteditable="true"]', // rich-text (Draft.js) editor
  'textarea', // markdown mode
] as const;

const REDESIGN_POST_EDITOR = [
  '[data-test-id^="comment-submission-form"] [contenteditable="true"]', // rich-text comment box
  '[data-test-id^="comment-submission-form"] textarea', // markdown comment box
] as const;

const REDESIGN_POST_SELECTOR = 'div.Post[id^="t3_"], [data-testid="post-container"][id^="t3_"]';

function redesignAuthorLink(el: Element): Element | undefined {
  for (const selector of REDESIGN_AUTHOR) {
    for (const link of Array.from(el.querySelectorAll(selector))) {
      if (link.closest(REDESIGN_BODY)) continue;
      if (usernameFromHref(link.getAttribute('href'))) return link;
    }
  }
  return undefined;
}

function isRedesignDeleted(el: Element): boolean {
  // "Comment deleted by user" header; the author slot then shows u/[deleted] without a link.
  return el.querySelector('[data-testid="post-comment-header-deleted"]') !== null;
}

function parseRedesign(el: Element, page: PageContext): ObservedPost | undefined {
  const fullname = el.id;
  if (el.matches('.promotedlink, [data-promoted="true"]')) return undefined;
  const isPost = fullname.startsWith('t3_');
  if (!isPost) expectElement(el.querySelector('.Comment'), 'a .Comment in a redesign comment', el);
  if (!isPost && isRedesignDeleted(el)) return undefined;

  const link = redesignAuthorLink(el);
  const username = usernameFromHref(link?.getAttribute('href'));
  if (!username) return undefined;

  const timeLink = isPost ? queryFirst(el, REDESIGN_POST_TIME) : queryFirst(el, REDESIGN_COMMENT_TIME);
  const timeHref = timeLink?.getAttribute('href');
  const postLink = isPost
    ? el.querySelector(`a[href*="/comments/${fullname.slice(3)}/"]`)?.getAttribute('href')
    : undefined;
  const path = isPost ? (postFullnameFromPath(timeHref) === fullname ? timeHref : postLink) : timeHref;

  const threadFullname = isPost
    ? fullname
    : postFullnameFromPath(timeHref) ??
      el.ownerDocument.querySelector(REDESIGN_POST_SELECTOR)?.id ??
      postFullnameFromPath(page.url.pathname);
  if (!threadFullname || !FULLNAME.test(threadFullname)) {
    throw new AdapterError(`Expected the post id of redesign comment ${fullname}, found none`);
  }

  const timeText = cleanText(timeLink);

  return makePost({
    fullname,
    threadFullname,
    parentFullname: isPost ? null : redesignParent(el) ?? threadFullname,
    sub: subredditFromPath(path) ?? subredditFromPath(postLink),
    page,
    author: authorOf(username),
    publishedAt: timeText ? parseRelativeTime(timeText, page.observedAt) : null,
    url: path && postFullnameFromPath(path) ? permalink(path) : null,
    text: redesignText(el, isPost),
  });
}

function redesignText(el: Element, isPost: boolean): string {
  const body = el.querySelector(REDESIGN_BODY);
  const bodyText = body ? readableText(body) : '';
  return isPost ? joinText(cleanText(el.querySelector('h1, h2, h3')), bodyText) : bodyText;
}

/**
 * The redesign lists comments flat; each draws one thread line per ancestor, and each line
 * carries the ancestor's fullname as a class: the last one that is not the comment itself is
 * its parent. No line but its own: a top-level comment.
 */
function redesignParent(el: Element): string | undefined {
  const ancestors = Array.from(el.querySelectorAll('.threadline'))
    .filter((line) => !line.closest('.Comment'))
    .flatMap((line) => Array.from(line.parentElement?.classList ?? []))
    .filter((name) => COMMENT_FULLNAME.test(name) && name !== el.id);
  return ancestors.at(-1);
}

function redesignReplyBox(el: Element): HTMLElement | undefined {
  if (el.id.startsWith('t1_')) return queryFirst(el, REDESIGN_EDITOR) as HTMLElement | undefined;
  // The post's comment box sits below the post, outside every comment.
  return documentReplyBox(el, REDESIGN_POST_EDITOR, 'div[id^="t1_"]', REDESIGN_POST_SELECTOR);
}

// ---------------------------------------------------------------------------------------------
// shreddit

const SHREDDIT_BOUNDARY = 'shreddit-comment, shreddit-post';

const SHREDDIT_COMMENT_AUTHOR = [
  '[slot="commentMeta"] a[href*="/user/"]', // the name link in the comment's meta row
  'faceplate-tracker[noun="comment_author"] a', // same link, located by its tracker
] as const;

const SHREDDIT_POST_AUTHOR = [
  '[slot="authorName"] a[href*="/user/"]', // post page credit bar
  'a.author-name[href*="/user/"]', // feed cards
  'faceplate-tracker[noun="user_profile"] a[href*="/user/"]', // either, by its tracker
] as const;

const SHREDDIT_COMPOSER = [
  'shreddit-composer', // the rich-text composer element
  '[contenteditable="true"]', // its editable area when rendered in light DOM
  'textarea:not([disabled])', // markdown mode
] as const;

// Signed out, the page shows a disabled <faceplate-textarea-input> "Join the conversation"
// button instead: not a reply box.
const SHREDDIT_POST_COMPOSER = [
  'comment-composer-host shreddit-composer', // the composer under the post
  'shreddit-composer', // same, outside its host on some pages
  'comment-composer-host [contenteditable="true"]', // its editable area in light DOM
  'comment-composer-host textarea:not([disabled])', // markdown mode
] as const;

function isShredditPromoted(el: Element): boolean {
  return (
    el.hasAttribute('promoted') ||
    el.hasAttribute('is-promoted') ||
    el.classList.contains('promotedlink') ||
    el.closest('shreddit-ad-post, shreddit-comments-page-ad, shreddit-comment-tree-ad, shreddit-sidebar-ad') !== null
  );
}

/** shreddit writes "2026-08-18T14:21:45.150000+0000"; make it a date every engine reads. */
function shredditTime(value: string | null): string | null {
  if (!value) return null;
  const normalised = value.trim().replace(/(\.\d{3})\d+/, '$1').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return parseIsoAttribute(normalised);
}

function parseShreddit(el: Element, page: PageContext): ObservedPost | undefined {
  const isPost = el.localName === 'shreddit-post';
  const fullname = (isPost ? el.getAttribute('id') : el.getAttribute('thingid')) ?? '';
  if (!FULLNAME.test(fullname) || fullname.startsWith('t3_') !== isPost) {
    throw new AdapterError(`Expected a ${isPost ? 't3_ id' : 't1_ thingid'} on <${el.localName}>, found "${fullname}"`);
  }
  if (isShredditPromoted(el)) return undefined;

  const username = el.getAttribute('author')?.trim();
  // "[deleted]" / "[removed]" authors, or none at all: nobody to badge.
  if (!username || !USERNAME.test(username) || el.hasAttribute('is-author-deleted')) return undefined;

  const path = el.getAttribute('permalink');
  const parentAttr = el.getAttribute('parentid');
  const threadFullname = isPost
    ? fullname
    : [el.getAttribute('postid'), el.closest('shreddit-comment-tree')?.getAttribute('post-id'), postFullnameFromPath(path)].find(
        (id): id is string => !!id && /^t3_[a-z0-9]+$/.test(id),
      );
  if (!threadFullname) throw new AdapterError(`Expected a postid on shreddit comment ${fullname}, found none`);

  const enclosing = el.parentElement?.closest('shreddit-comment')?.getAttribute('thingid');
  const parentFullname = isPost
    ? null
    : [parentAttr, enclosing].find((id): id is string => !!id && FULLNAME.test(id)) ?? threadFullname;

  const publishedAt =
    shredditTime(el.getAttribute(isPost ? 'created-timestamp' : 'created')) ??
    parseIsoAttribute(ownQuery(el, 'faceplate-timeago[ts]', SHREDDIT_BOUNDARY)?.getAttribute('ts')) ??
    parseIsoAttribute(ownQuery(el, 'time[datetime]', SHREDDIT_BOUNDARY)?.getAttribute('datetime'));

  return makePost({
    fullname,
    threadFullname,
    parentFullname,
    sub:
      subredditFromName(el.getAttribute('subreddit-prefixed-name')) ??
      subredditFromName(el.getAttribute('subreddit-name')) ??
      subredditFromPath(path),
    page,
    author: authorOf(username),
    publishedAt,
    url: permalink(path),
    text: shredditText(el, fullname, isPost),
  });
}

function shredditText(el: Element, fullname: string, isPost: boolean): string {
  if (!isPost) {
    const body =
      ownQuery(el, `[id="${fullname}-comment-rtjson-content"]`, SHREDDIT_BOUNDARY) ??
      ownQuery(el, '[slot="comment"]', SHREDDIT_BOUNDARY);
    return body ? readableText(body) : '';
  }
  const title = el.getAttribute('post-title')?.trim() || cleanText(el.querySelector('[slot="title"]'));
  const body = el.querySelector('[slot="text-body"]') ?? el.querySelector(`[id="${fullname}-post-rtjson-content"]`);
  return joinText(title, body ? readableText(body) : '');
}

function shredditBadgeAnchor(el: Element): Element | undefined {
  const isPost = el.localName === 'shreddit-post';
  const link = ownQueryFirst(el, isPost ? SHREDDIT_POST_AUTHOR : SHREDDIT_COMMENT_AUTHOR, SHREDDIT_BOUNDARY);
  if (link) return link;
  // No link rendered (yet): the innermost element of the meta row that shows the name.
  const author = el.getAttribute('author')?.trim();
  if (!author || !USERNAME.test(author)) return undefined;
  const meta = ownQuery(el, isPost ? '[slot="authorName"], [slot="credit-bar"]' : '[slot="commentMeta"]', SHREDDIT_BOUNDARY);
  const named = Array.from(meta?.querySelectorAll('a, span') ?? []).filter((node) => cleanText(node).replace(/^u\//, '') === author);
  return named.at(-1);
}

function shredditReplyBox(el: Element): HTMLElement | undefined {
  if (el.localName === 'shreddit-comment') {
    return ownQueryFirst(el, SHREDDIT_COMPOSER, SHREDDIT_BOUNDARY) as HTMLElement | undefined;
  }
  // The post's composer sits below the post (comment-composer-host), outside every comment.
  return documentReplyBox(el, SHREDDIT_POST_COMPOSER, 'shreddit-comment', 'shreddit-post');
}

// ---------------------------------------------------------------------------------------------
// Page level

// Listings that gather posts of many subreddits: home, r/all, r/popular and their sort orders.
const MIXED_FEED_PATH = /^\/(?:(?:best|hot|new|top|rising|controversial)\/?|r\/(?:all|popular|friends|mod)(?:\/.*)?)?$/i;

const POST_PAGE = [
  'shreddit-comment-tree', // shreddit post page
  'body.comments-page', // old reddit post page
  '.commentarea', // same, when the body class is missing
  'a[id^="CommentTopMeta--Created--"]', // redesign post page with comments
].join(',');

/** Subreddits of the posts on the page, as the DOM states them (display case). */
function subredditsInDom(doc: Document): string[] {
  const found: string[] = [];
  for (const post of Array.from(doc.querySelectorAll('shreddit-post'))) {
    if (isShredditPromoted(post)) continue;
    const sub = subredditFromName(post.getAttribute('subreddit-prefixed-name')) ?? subredditFromName(post.getAttribute('subreddit-name')) ?? subredditFromPath(post.getAttribute('permalink'));
    if (sub) found.push(sub);
  }
  for (const thing of Array.from(doc.querySelectorAll('div.thing.link[data-subreddit]'))) {
    if (isOldPromoted(thing)) continue;
    const sub = subredditFromName(thing.getAttribute('data-subreddit'));
    if (sub) found.push(sub);
  }
  for (const post of Array.from(doc.querySelectorAll(REDESIGN_POST_SELECTOR))) {
    if (post.matches('.promotedlink')) continue;
    const sub = subredditFromPath(post.querySelector(`a[href*="/comments/${post.id.slice(3)}/"]`)?.getAttribute('href'));
    if (sub) found.push(sub);
  }
  if (found.length === 0) {
    // A post page whose post is not rendered yet: its comments still link into the subreddit.
    const href = doc.querySelector('shreddit-comment[permalink], .thing.comment[data-permalink], a[id^="CommentTopMeta--Created--"]');
    const sub = subredditFromPath(href?.getAttribute('permalink') ?? href?.getAttribute('data-permalink') ?? href?.getAttribute('href'));
    if (sub) found.push(sub);
  }
  return found;
}

/**
 * The subreddit the page is about. The DOM comes first (saved pages often carry a wrong URL:
 * the shreddit corpus page's canonical link is just https://www.reddit.com/); the URL decides
 * only when the DOM names no subreddit or several (r/all, the home feed).
 */
function communityOf(doc: Document, url: URL): ObservedCommunity | undefined {
  const inDom = subredditsInDom(doc);
  const distinct = new Set(inDom.map((sub) => sub.toLowerCase()));
  const fromUrl = subredditFromPath(url.pathname);
  // The home feed or r/all may happen to show posts of one subreddit only; that does not make
  // it that subreddit's page. A post page is, whatever its URL says.
  const isMixedFeed = !fromUrl && MIXED_FEED_PATH.test(url.pathname) && !doc.querySelector(POST_PAGE);
  const sub =
    distinct.size === 1 && !isMixedFeed
      ? inDom[0]
      : fromUrl && (distinct.size === 0 || distinct.has(fromUrl.toLowerCase()))
        ? inDom.find((name) => name.toLowerCase() === fromUrl.toLowerCase()) ?? fromUrl
        : undefined;
  if (!sub) return undefined;
  return {
    id: communityId(PLATFORM, `r/${sub.toLowerCase()}`),
    platform: PLATFORM,
    name: `r/${sub}`,
    url: `${CANONICAL_ORIGIN}/r/${sub}/`,
  };
}

function parsePost(el: Element, page: PageContext): ObservedPost | undefined {
  switch (layoutOf(el)) {
    case 'shreddit':
      return parseShreddit(el, page);
    case 'old':
      return parseOld(el, page);
    case 'redesign':
      return parseRedesign(el, page);
    default:
      throw new AdapterError(`Expected a reddit post or comment, found <${el.localName}${el.id ? `#${el.id}` : ''}>`);
  }
}

export const reddit: SiteAdapter = {
  id: 'reddit',
  matches: ['*://reddit.com/*', '*://*.reddit.com/*'],
  detect: (doc, url) => HOST.test(url.hostname) && doc.querySelector(FINGERPRINT) !== null,
  community: communityOf,
  findPosts: (root) => queryAllWithSelf(root, POST).filter((el) => layoutOf(el) !== undefined),
  parsePost,
  badgeAnchor: (el) => {
    switch (layoutOf(el)) {
      case 'shreddit':
        return shredditBadgeAnchor(el);
      case 'old':
        return queryFirst(oldEntry(el) ?? el, OLD_AUTHOR_LINK);
      case 'redesign':
        return redesignAuthorLink(el);
      default:
        return undefined;
    }
  },
  replyBox: (el) => {
    switch (layoutOf(el)) {
      case 'shreddit':
        return shredditReplyBox(el);
      case 'old':
        return oldReplyBox(el);
      case 'redesign':
        return redesignReplyBox(el);
      default:
        return undefined;
    }
  },
};

/*
 * Test URLs
 * - old reddit thread: https://old.reddit.com/r/nottheonion/comments/1vr826t/woman_dies_comes_back_to_life_gets_parking_ticket/
 * - old reddit listing: https://old.reddit.com/r/colors/
 * - redesign post page (2019–2022, new.reddit.com): https://new.reddit.com/r/AskReddit/comments/axtih6/what_is_the_most_worth_it_item_you_have_ever/
 * - shreddit post page: https://www.reddit.com/r/mildlyinfuriating/comments/1vrqi5a/how_cooked_the_uk_is_right_now/
 * - shreddit subreddit feed: https://www.reddit.com/r/mildlyinfuriating/
 */
