/**
 * Facebook, in the layouts a community manager meets:
 * - www.facebook.com today ("Comet"): posts and comments are `[role=article]` (comments nested in
 *   the post's article), feeds are `[role=feed]` whose units carry `aria-posinset` (in one A/B
 *   variant the unit itself is the post and no article). Class names are generated and change
 *   with every build, and the UI may be English, Hebrew or Arabic, so only roles, `data-*`
 *   attributes and href patterns are read; localised aria-labels are never relied on.
 * - classic www (to 2020): feed stories `[role=article][data-testid=fbfeed_story]` or a bare
 *   `.userContentWrapper`, `abbr[data-utime]`, `data-hovercard` ids.
 * - m.facebook.com: `data-sigil` stories and comments, `data-ft` JSON, `abbr` times, user ids in
 *   `data-sigil="feed_story_ring<id>"`.
 * Ids are the same whichever layout showed a person or post (see facebook-links.ts).
 */
import { postId } from '@/lib/model/ids';
import type { ObservedCommunity, ObservedPost, PostKind } from '@/lib/model/observed';
import { cleanText, closestWithin, parseIsoAttribute, readableText, stringMemo, taskMemo } from './dom';
import { authorOf, observedAuthor, type AuthorRef } from './facebook-authors';
import { communityOf, pageKindOf, pageOwnerOf, postIdFromPageUrl } from './facebook-community';
import {
  cleanPermalink,
  commentFromHref,
  facebookUrl,
  idField,
  isRecord,
  jsonAttribute,
  numericId,
  withCommentParams,
} from './facebook-links';
import {
  baseOf,
  bodyOf,
  itemsIn,
  MOBILE_COMMENT,
  ownCommentLink,
  owned,
  ownedFirst,
  permalinksOf,
  type Permalink,
  roleOf,
  timeAbbr,
} from './facebook-structure';
import { fromUnixSeconds, isRelativeTime, parseDateText, parseRelativeTime } from './time';
import type { PageContext, SiteAdapter } from './types';

const PLATFORM = 'facebook';

/** Facebook's own page hosts; l.facebook.com (outbound links) and developers.* are not pages we read. */
const HOST = /^(?:(?:www|m|web|mbasic|touch|mobile)\.)?facebook\.com$/i;

const FINGERPRINT = [
  'meta[property="al:android:package"][content="com.facebook.katana"]', // app-link meta in www and m. heads
  '[data-pagelet]', // Comet: server-rendered regions
  '[role="feed"]', // Comet and classic www feeds
  '[role="article"]', // Comet posts/comments; classic rendered stories (saved fragments too)
  '[data-sigil]', // m.facebook.com
  '[data-ft]', // classic www and m.: feed tracking JSON
  '.userContentWrapper', // classic www story body
  'link[href*=".fbcdn.net/"], script[src*=".fbcdn.net/"]', // every layout's static files, in the head before any render
].join(',');

// Comet comments (and posts of variants without data-ad-preview) keep text in dir=auto blocks;
// classic UFI2 comments in a span with a direction.
const TEXT_BLOCKS = ['div[dir="auto"]', 'span[dir]'] as const;
const NOT_TEXT = 'a, h1, h2, h3, h4, h5, h6, [role="heading"], [role="button"], [contenteditable], form';
// Inside a body: "See more"/"… More" controls and the half of m.'s expandable text shown only when collapsed.
const NOT_OWN_TEXT = '[data-sigil~="more"], .text_exposed_hide, [role="button"], [role="article"], [data-sigil~="comment"]';

// Where m. and classic www print times (Comet prints them as link text).
const TIME_ELEMENTS = '[data-utime], time[datetime], abbr';

const TEXTBOX = '[contenteditable="true"][role="textbox"]'; // Comet Lexical editor, classic UFI composer
const MOBILE_COMPOSER = 'textarea[data-sigil~="mufi-composer"], textarea[name="comment_text"]';

// Absolute times m. and classic www print when no machine-readable time is left.
const DATE_FORMATS = [
  "EEEE, MMMM d, yyyy 'at' h:mm a", // classic title: "Tuesday, May 12, 2020 at 6:01 PM"
  "MMMM d, yyyy 'at' h:mm a", // m. 2020: "April 3, 2018 at 8:02 PM"
  "MMMM d 'at' h:mm a", // m.: "May 13 at 6:58 AM" (this year)
  "MMM d, yyyy 'at' h:mm a",
  "MMM d 'at' h:mm a",
  "d MMMM yyyy 'at' HH:mm", // m. 2021 (en_GB): "13 May 2020 at 01:01"
  "d MMMM 'at' HH:mm",
  'MM/dd/yyyy h:mma', // classic title: "04/02/2018 12:08pm"
  'MMMM d, yyyy',
  'd MMMM yyyy',
] as const;

// ---------------------------------------------------------------------------------------------
// Post ids

interface PostRef {
  id: string;
  /** The permalink the id was read from; usually also the time link. */
  link?: Element;
}

function postRefOf(item: Element, base: URL, pageUrl: URL): PostRef | undefined {
  // m. and classic: the feed tracking JSON names the story.
  const ft = jsonAttribute(item, 'data-ft');
  const fromFt = idField(ft, 'top_level_post_id') ?? idField(ft, 'mf_story_key');
  if (fromFt) {
    // m. wraps the time in the story's permalink, even when that is a photo's address.
    let link: Element | undefined;
    for (const found of permalinksOf(item, base)) {
      if (found.id !== fromFt) continue;
      link = found.link;
      break;
    }
    return { id: fromFt, link: link ?? timeAbbr(item)?.closest('a[href]') ?? undefined };
  }

  // The time link is the permalink whose text is a time; "shared a post" links name other posts.
  let first: Permalink | undefined;
  let timed: Permalink | undefined;
  let media: Permalink | undefined;
  for (const found of permalinksOf(item, base)) {
    if (found.strength === 'media') {
      media ??= found;
    } else if (looksLikeTime(found.link)) {
      timed = found;
      break;
    } else {
      first ??= found;
    }
  }
  const strong = timed ?? first;
  // Comet's pfbid… ids exist only on www; when the comments name the post by number, m. and
  // classic pages will too, so the number is the id that survives a change of layout.
  if (strong) return { id: numericId(strong.id) ?? postIdFromComments(item, base) ?? strong.id, link: strong.link };

  const input = numericId(ownedFirst(item, ['input[name="ft_ent_identifier"]'])?.getAttribute('value'));
  if (input) return { id: input };
  if (media) return { id: media.id };

  // Comet may leave the post's own time link as "#" until hovered; its comments still name it.
  const fromComments = postIdFromComments(item, base);
  if (fromComments) return { id: fromComments };
  // A permalink page or post dialog: the post in view is the one the address names.
  if (!item.closest('[role="feed"]')) {
    const id = postIdFromPageUrl(pageUrl);
    if (id) return { id };
  }
  return undefined;
}

/** The numeric post id the links of a post's comments carry (plain, or base64 `comment:<post>_<id>`). */
function postIdFromComments(item: Element, base: URL): string | undefined {
  for (const link of Array.from(item.querySelectorAll('a[href*="comment_id"]'))) {
    const id = numericId(commentFromHref(link.getAttribute('href'), base)?.postId);
    if (id) return id;
  }
  return undefined;
}

interface CommentIds {
  postId?: string;
  commentId: string;
  /** The comment this one replies to, when its own ids say so. */
  parentCommentId?: string;
  link?: Element;
}

function commentIdsOf(item: Element, base: URL): CommentIds | undefined {
  if (item.matches(MOBILE_COMMENT)) {
    // "<post>_<comment>" in data-commentid / data-store token; the comment id alone in id and data-uniqueid.
    const pairs = [
      owned(item, '[data-commentid]')[0]?.getAttribute('data-commentid'),
      stringField(jsonAttribute(item, 'data-store'), 'token'),
    ];
    const singles = [item.getAttribute('data-uniqueid'), item.id];
    let postIdFound: string | undefined;
    let commentId: string | undefined;
    for (const pair of pairs) {
      const match = pair ? /^(?:(\d+)_)?(\d+)$/.exec(pair) : null;
      postIdFound ??= match?.[1];
      commentId ??= match?.[2];
    }
    commentId ??= singles.map(numericId).find(Boolean);
    const ufi = /^ufi_(\d+)$/.exec(item.closest('[id^="ufi_"]')?.id ?? '')?.[1];
    return commentId ? { postId: postIdFound ?? ufi, commentId } : undefined;
  }
  const own = ownCommentLink(item, base);
  if (!own) return undefined;
  const { ref, link } = own;
  return ref.replyId
    ? { postId: ref.postId, commentId: ref.replyId, parentCommentId: ref.commentId, link }
    : { postId: ref.postId, commentId: ref.commentId, link };
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Text and time

function textOf(item: Element, body: Element | undefined, author: AuthorRef | undefined): string {
  const skip = (child: Element) => child.matches(NOT_OWN_TEXT);
  if (body) return readableText(body, skip);
  // Comet comments: the outermost dir=auto blocks that are not names, links, headings or buttons.
  for (const selector of TEXT_BLOCKS) {
    // In document order a block comes before the blocks inside it: those are read with it.
    const outermost: Element[] = [];
    for (const block of owned(item, selector)) {
      if (outermost.at(-1)?.contains(block)) continue;
      if (closestWithin(block, NOT_TEXT, item) !== null || (author && block.contains(author.anchor))) continue;
      outermost.push(block);
    }
    const text = outermost
      .map((block) => readableText(block, skip))
      .filter(Boolean)
      .join('\n');
    if (text) return text;
  }
  return '';
}

const EASTERN_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;

/** Arabic-Indic and Persian digits to ASCII, so "٣ س" reads like "3 س". */
function asciiDigits(text: string): string {
  // Most times have none: a search is cheaper than a replace that calls back.
  if (text.search(EASTERN_DIGITS) < 0) return text;
  return text.replace(EASTERN_DIGITS, (digit) => String(digit.charCodeAt(0) & 0xf));
}

/**
 * The text an abbr or time link states its time in: its title (ISO or a full date), else its
 * text or label, with Eastern digits made ASCII; null when none reads as a time. A post's time
 * link is asked whether it is one (looksLikeTime) and then what it says: read once per task.
 */
function timeTextOf(el: Element): string | null {
  return timeTexts(el, () => {
    const title = el.getAttribute('title') ?? '';
    if (parseIsoAttribute(title)) return title;
    for (const text of [title, cleanText(el), el.getAttribute('aria-label') ?? '']) {
      if (!text) continue;
      const digits = asciiDigits(text);
      if (isRelativeTime(digits) || parseDateText(digits, DATE_FORMATS, LEAP_YEAR) !== null) return digits;
    }
    return null;
  });
}
const timeTexts = taskMemo<Element, string | null>();
// Whether a text is a date does not depend on when it is read, so long as a yearless "Feb 29" can be one.
const LEAP_YEAR = new Date(Date.UTC(2000, 0, 1));

/** The time an element states (see timeTextOf), resolved against the time the page was read. */
function timeFromText(el: Element | undefined, now: Date): string | null {
  const text = el ? timeTextOf(el) : null;
  if (text === null) return null;
  const isoOrRelative = parseIsoAttribute(text) ?? parseRelativeTime(text, now);
  if (isoOrRelative) return isoOrRelative;
  const absolute = parseDateText(text, DATE_FORMATS, now);
  return absolute ? notInFuture(absolute, now) : null;
}

/** Does the element's text read as a time at all ("4d", "April 3 at 8:02 PM")? */
function looksLikeTime(el: Element): boolean {
  return timeTextOf(el) !== null;
}

/** "May 13 at 6:58 AM" has no year: read on January 2 it is last year's May. */
function notInFuture(iso: string, now: Date): string {
  const date = new Date(iso);
  if (date.getTime() - now.getTime() > 36 * 3600_000) date.setUTCFullYear(date.getUTCFullYear() - 1);
  return date.toISOString();
}

function publishedAtOf(item: Element, body: Element | undefined, postKey: string | undefined, timeLink: Element | undefined, now: Date): string | null {
  // Comet shows none of the older layouts' time elements: one query says whether to look for them.
  const marked = item.querySelector(TIME_ELEMENTS) !== null;
  const utime = marked ? ownedFirst(item, ['abbr[data-utime]', '[data-utime]']) : undefined;
  const fromUtime = fromUnixSeconds(utime?.getAttribute('data-utime'));
  if (fromUtime) return fromUtime;
  const fromFt = publishTimeFromFt(item, postKey);
  if (fromFt) return fromFt;
  const time = marked ? owned(item, 'time[datetime]').find((el) => !body?.contains(el)) : undefined;
  const fromDatetime = parseIsoAttribute(time?.getAttribute('datetime'));
  if (fromDatetime) return fromDatetime;
  const fromText = (marked ? timeFromText(timeAbbr(item), now) : null) ?? timeFromText(timeLink, now);
  if (fromText) return fromText;
  // Comet leaves a post's time link as "#" until hovered: its text still says when.
  for (const link of owned(item, 'a[href="#"]')) {
    const time = body?.contains(link) ? null : timeFromText(link, now);
    if (time) return time;
  }
  return null;
}

/** m. `data-ft` page_insights: `post_context.publish_time` of the entry that names this story. */
function publishTimeFromFt(item: Element, postKey: string | undefined): string | null {
  const insights = jsonAttribute(item, 'data-ft')?.page_insights;
  if (!postKey || !isRecord(insights)) return null;
  for (const entry of Object.values(insights)) {
    // An attached (shared) story keeps its own post_context one level down: never read it.
    const context = isRecord(entry) ? entry.post_context : undefined;
    if (!isRecord(context)) continue;
    const stories = Array.isArray(context.story_fbid) ? context.story_fbid.map(String) : [];
    if (stories.includes(postKey)) return fromUnixSeconds(String(context.publish_time ?? ''));
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Sponsored stories

/**
 * Ads are not members' posts. Classic www marks them in their links (`ft[is_sponsored]=1`) and,
 * unlike every organic story, shows "Sponsored" where the `abbr[data-utime]` time would be;
 * Comet links their label to /ads/about.
 */
function isSponsored(item: Element): boolean {
  const ft = jsonAttribute(item, 'data-ft');
  if (ft && String(ft.is_sponsored ?? '') === '1') return true;
  for (const link of owned(item, 'a[href*="is_sponsored"], a[href*="/ads/about"]')) {
    const href = link.getAttribute('href') ?? '';
    if (/is_sponsored(?:\]|%5D)?=1|\/ads\/about/i.test(href)) return true;
  }
  return item.matches('[data-testid="fbfeed_story"]') && owned(item, 'abbr[data-utime]').length === 0;
}

// ---------------------------------------------------------------------------------------------
// The adapter

// The runtime asks for a post and then for its badge's anchor, and every comment asks for the
// id of the post it is on: within one task, each is read once.
const authors = taskMemo<Element, AuthorRef | undefined>();
const postRefs = taskMemo<Element, PostRef | undefined>();

function parsePost(el: Element, page: PageContext): ObservedPost | undefined {
  const base = page.url;
  const role = roleOf(el);
  if (role.kind === 'post' && isSponsored(el)) return undefined;
  const body = bodyOf(el);
  // Loading skeletons and deleted or anonymous authors show no author: nothing to badge yet.
  const found = authors(el, () => authorOf(el, base, body));
  if (!found) return undefined;
  const author = withPageId(found, page);
  const scope = page.community.id;
  const text = textOf(el, body, author);

  if (role.kind === 'post') {
    const ref = postRefs(el, () => postRefOf(el, base, page.url));
    if (!ref) return undefined; // no id on the page: it could not keep one id on re-observation
    const id = postId(PLATFORM, ref.id);
    const link = ref.link ?? permalinksOf(el, base).next().value?.link;
    const url = facebookUrl(link?.getAttribute('href'), base) ?? (el.closest('[role="feed"]') ? undefined : pageUrlFor(page, ref.id));
    return {
      id,
      communityId: scope,
      threadId: id,
      parentId: null,
      kind: 'post',
      author: observedAuthor(author),
      publishedAt: publishedAtOf(el, body, ref.id, ref.link, page.observedAt),
      url: url ? cleanPermalink(url) : null,
      text,
    };
  }

  const ids = commentIdsOf(el, base);
  if (!ids) return undefined;
  const { postItem } = role;
  const postItemRef = postItem ? postRefs(postItem, () => postRefOf(postItem, base, page.url)) : undefined;
  const threadKey = postItemRef?.id ?? ids.postId ?? postIdFromPageUrl(page.url);
  if (!threadKey) return undefined;
  const parentCommentId =
    ids.parentCommentId ?? (role.parentItem ? commentIdsOf(role.parentItem, base)?.commentId : undefined);
  const kind: PostKind = parentCommentId && parentCommentId !== ids.commentId ? 'reply' : 'comment';
  const threadId = postId(PLATFORM, threadKey);
  return {
    id: postId(PLATFORM, `${threadKey}_${ids.commentId}`),
    communityId: scope,
    threadId,
    parentId: kind === 'reply' ? postId(PLATFORM, `${threadKey}_${parentCommentId}`) : threadId,
    kind,
    author: observedAuthor(author),
    publishedAt: publishedAtOf(el, body, undefined, ids.link, page.observedAt),
    url: commentUrl(ids, kind === 'reply' ? parentCommentId : undefined, postItemRef?.link, threadKey, page),
    text,
  };
}

/**
 * A page's own posts link its author by username while the page's id is known from the page
 * itself: one member for the page either way.
 */
function withPageId(author: AuthorRef, page: PageContext): AuthorRef {
  if (author.id || !author.vanity) return author;
  const pageId = /^facebook:page:(\d+)$/.exec(page.community.id)?.[1];
  const owner = pageId ? pageOwners(page.url.href) : undefined;
  if (!pageId || !owner) return author;
  return author.vanity.toLowerCase() === owner ? { ...author, id: pageId } : author;
}

// Every post of a page asks; the address changes only with navigation.
const pageOwners = stringMemo((href: string) => pageOwnerOf(new URL(href))?.toLowerCase(), 16);

function pageUrlFor(page: PageContext, key: string): URL | undefined {
  return postIdFromPageUrl(page.url) === key ? page.url : undefined;
}

function commentUrl(
  ids: CommentIds,
  parentCommentId: string | undefined,
  postLink: Element | undefined,
  threadKey: string,
  page: PageContext,
): string | null {
  const own = facebookUrl(ids.link?.getAttribute('href'), page.url);
  if (own) return cleanPermalink(own);
  // m. comments have no link of their own: the post's permalink + comment_id opens them.
  const thread = facebookUrl(postLink?.getAttribute('href'), page.url) ?? pageUrlFor(page, threadKey);
  if (!thread) return null;
  return parentCommentId
    ? withCommentParams(cleanPermalink(thread), parentCommentId, ids.commentId)
    : withCommentParams(cleanPermalink(thread), ids.commentId);
}

function replyBox(el: Element): HTMLElement | undefined {
  const own = ownedFirst(el, [TEXTBOX, MOBILE_COMPOSER]);
  if (own) return own as HTMLElement;
  const role = roleOf(el);
  const post = role.kind === 'post' ? el : role.postItem;
  const inPost = post ? (ownedFirst(post, [TEXTBOX, MOBILE_COMPOSER]) ?? post.querySelector(`${TEXTBOX}, ${MOBILE_COMPOSER}`)) : null;
  if (inPost) return inPost as HTMLElement;
  // m. permalink pages render the composer after the story, named after the post.
  const base = baseOf(el);
  const key = post ? postRefOf(post, base, base)?.id : commentIdsOf(el, base)?.postId;
  const composer = key ? el.ownerDocument.querySelector(`[id="composer-${key}"] textarea`) : null;
  if (composer) return composer as HTMLElement;
  // Comet post dialogs keep the comment box outside the post's article.
  return (el.closest('[role="dialog"]')?.querySelector(TEXTBOX) as HTMLElement | null) ?? undefined;
}

/**
 * Saved pages only (extract CLI, corpus tests; never the content runtime): Facebook ships parts
 * of m. and classic pages as `<code><!-- html --></code>` and its own script inflates them. We
 * do the same with a <template> on the saved page's document, whose scripts are off; a template's
 * content stays inert until it replaces the <code> block.
 */
function prepareSavedPage(doc: Document): void {
  // Unpacked blocks can hold more blocks; a few rounds cover every page seen.
  for (let round = 0; round < 4; round += 1) {
    const blocks = Array.from(doc.querySelectorAll('code')).filter(isPackedBlock);
    if (blocks.length === 0) return;
    for (const code of blocks) {
      const html = Array.from(code.childNodes)
        .filter((node): node is Comment => node.nodeType === 8)
        .map((node) => node.data)
        .join('');
      const template = doc.createElement('template');
      template.innerHTML = html;
      code.replaceWith(template.content);
    }
  }
}

function isPackedBlock(code: Element): boolean {
  const nodes = Array.from(code.childNodes);
  return (
    nodes.some((node) => node.nodeType === 8) &&
    nodes.every((node) => node.nodeType === 8 || (node.nodeType === 3 && !node.nodeValue?.trim()))
  );
}

export const facebook: SiteAdapter = {
  id: 'facebook',
  matches: ['*://www.facebook.com/*', '*://m.facebook.com/*', '*://web.facebook.com/*', '*://mbasic.facebook.com/*'],
  detect: (doc, url) => HOST.test(url.hostname) && doc.querySelector(FINGERPRINT) !== null,
  community: (doc, url): ObservedCommunity | undefined => communityOf(doc, url),
  pageKind: (doc, url) => pageKindOf(doc, url),
  findPosts: itemsIn,
  parsePost,
  badgeAnchor: (el) => authors(el, () => authorOf(el, baseOf(el)))?.anchor,
  replyBox,
  prepareSavedPage,
};

/*
 * Test URLs
 * - Comet group feed: https://www.facebook.com/groups/<group>/ (UI in English, Hebrew or Arabic)
 * - Comet group post: https://www.facebook.com/groups/<group>/posts/<post id>/ (also opened as a dialog)
 * - Comet page posts: https://www.facebook.com/<page>/ and https://www.facebook.com/<page>/posts/<pfbid…>
 * - Comet news feed: https://www.facebook.com/
 * - m. group feed and permalink: https://m.facebook.com/groups/117507531664134/,
 *   https://m.facebook.com/groups/southamericansincomputing/permalink/1629606003787605/
 * - m. page post with comments: https://m.facebook.com/story.php?story_fbid=3065154550235644&id=119240841493711
 * - m. page timeline: https://m.facebook.com/Nintendo/posts/
 * - classic www (saved pages): https://www.facebook.com/story.php?story_fbid=3065154550235644&id=119240841493711
 */
