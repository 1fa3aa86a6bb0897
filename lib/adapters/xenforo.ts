/**
 * XenForo threads (2.x and 1.x), on whatever host the forum lives: recognised by the markup
 * XenForo itself prints, never by the domain.
 */
import { communityId, memberId, postId, siteHost, weakMemberId } from '@/lib/model/ids';
import type { ObservedAuthor, ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import {
  absoluteUrl,
  canonicalUrl,
  cleanText,
  expectElement,
  parseIsoAttribute,
  queryAllWithSelf,
  queryFirst,
  readableText,
  positiveId,
  documentBase,
} from './dom';
import { fromUnixSeconds, parseDateText } from './time';
import { AdapterError, type PageContext, type SiteAdapter } from './types';

const PLATFORM = 'xenforo';

// The <html> element XenForo's page container prints; cheap to test on every page load.
const PAGE_FINGERPRINTS = [
  // XF2: <html id="XF" data-app="public" data-template="thread_view" …>
  'html#XF[data-app]',
  // XF1: <html id="XenForo" class="Public NoJs LoggedOut …">
  'html#XenForo',
];
// Post markup, for styles that rename the <html> id.
const POST_FINGERPRINTS = [
  // XF2: a post with its author's user id on the name link
  '.message[data-content^="post-"][data-author] .username[data-user-id]',
  // XF1: a post in the message list with its body
  'li.message[id^="post-"][data-author] .messageText',
];

const POSTS = [
  // XF2 thread_view (also article and question threads): <article class="message message--post" data-content="post-123">
  '.message[data-content^="post-"]',
  // XF1 thread_view: <li id="post-123" class="message" data-author="…"> in ol#messageList
  'li.message[id^="post-"]',
].join(', ');

// Placeholders left where a post was deleted or hidden: no member post to read.
const PLACEHOLDERS = [
  // XF2 soft-deleted post shown to moderators / deleted stub
  '.message--deleted',
  '.is-deleted',
  // XF1 deleted placeholder
  '.deleted',
  '.placeholder',
];

const AUTHOR_NAMES = [
  // XF2: <h4 class="message-name"><a class="username" data-user-id="56111"> (a <span> for guests)
  '.message-name .username',
  '.message-userDetails .username',
  // XF1: <h3 class="userText"><a href="members/bob.12/" class="username">
  '.messageUserInfo .userText .username',
  '.messageUserInfo .username',
  // XF1: the "Bob, Feb 13, 2014" line under the post
  '.messageMeta .username.author',
];

const BODIES = [
  // XF2: the BB code output, without the attachments list below it
  '.message-body .bbWrapper',
  '.message-body',
  // XF1: the post body (the signature is also a .messageText, so name the blockquote)
  '.messageContent blockquote.messageText',
  'blockquote.messageText',
];

// Not the author's own words: other people's quoted posts, link unfurls, end markers.
const NOT_OWN_TEXT = [
  // XF2 [QUOTE] block and its "Click to expand..." link
  '.bbCodeBlock--quote',
  '.bbCodeBlock-expandLink',
  // XF2 link preview the forum generated
  '.bbCodeBlock--unfurl',
  // XF2 select-to-quote end marker (&nbsp;)
  '.js-selectToQuoteEnd',
  // XF1 [QUOTE] block
  '.bbCodeQuote',
  '.quoteExpand',
  // XF1 end marker
  '.messageTextEndMarker',
].join(', ');

const TIMES = [
  // XF2: the post's own date in its header, not "Last edited"
  '.message-attribution time[datetime]',
  '.message-date time[datetime]',
  // XF1: <a class="datePermalink"><abbr class="DateTime" data-time="1392311063">
  '.messageMeta .datePermalink .DateTime',
  '.messageMeta .DateTime',
];

const PERMALINKS = [
  // XF2: /threads/<slug>.<id>/post-<post id>
  '.message-attribution-main[href]',
  '.message-attribution a[href*="post-"]',
  '.message-date a[href]',
  // XF1: "threads/<slug>.<id>/#post-<id>" or "posts/<id>/"
  '.messageMeta a.datePermalink[href]',
];

// The "#12" counters in a post's header: digits only, the same in every language.
const POST_NUMBERS = [
  // XF2
  '.message-attribution-opposite a',
  '.message-permalink a',
  // XF1
  '.messageMeta a.postNumber',
];

const REPLY_BOXES = [
  // XF2 quick reply once Froala has started: the rich editor
  'form.js-quickReply .fr-element[contenteditable="true"]',
  '.js-quickReply .fr-element[contenteditable]',
  // XF2 quick reply before Froala starts, or with the BB code editor
  'form.js-quickReply textarea[name="message_html"]',
  'form.js-quickReply textarea[name="message"]',
  // XF1 quick reply
  '#QuickReply textarea[name="message_html"]',
  '#QuickReply textarea[name="message"]',
];

// A thread's own URL, its page N or a post in it: /threads/<slug>.<id>/page-2, …/post-123.
const THREAD_PATH = /(?:^|[/?])threads\/[^/?#&]*\.?\d+\/(?:page-\d+\/?|post-\d+\/?)?$/;

// XF1 prints older dates as text in a title: "Sep 9, 2017 at 1:19 AM".
const XF1_DATE_FORMATS = ["MMM d, yyyy 'at' h:mm a", 'MMM d, yyyy h:mm a', 'MMM d, yyyy'];

/** XenForo 2 and 1 thread pages on any host. */
export const xenforo: SiteAdapter = {
  id: 'xenforo',
  matches: [],

  detect(doc) {
    const root = doc.documentElement;
    if (PAGE_FINGERPRINTS.some((selector) => root.matches(selector))) return true;
    return queryFirst(doc, POST_FINGERPRINTS) !== undefined;
  },

  community(doc, url) {
    return readCommunity(doc, url);
  },

  pageKind(doc, url) {
    // XF2 names its template; XF1 (and XF2 styles without it) show threads at /threads/<slug>.<id>/.
    if (doc.documentElement.getAttribute('data-template') === 'thread_view') return 'thread';
    return THREAD_PATH.test(url.pathname + url.search) ? 'thread' : undefined;
  },

  findPosts(root) {
    return queryAllWithSelf(root, POSTS);
  },

  parsePost(el, page) {
    return parsePost(el, page);
  },

  badgeAnchor(el) {
    return queryFirst(el, AUTHOR_NAMES);
  },

  replyBox(el) {
    // One quick-reply box per thread page, at the bottom: it answers every post on it.
    return queryFirst(el.ownerDocument, REPLY_BOXES) as HTMLElement | undefined;
  },
};

function readCommunity(doc: Document, url: URL): ObservedCommunity {
  const host = siteHost(url);
  const name =
    doc.querySelector('meta[property="og:site_name"]')?.getAttribute('content')?.trim() ||
    // XF1 has no og:site_name on every page; its logo carries the board title.
    doc.querySelector('#logo img[alt]')?.getAttribute('alt')?.trim() ||
    host;
  return {
    id: communityId(PLATFORM, host),
    platform: PLATFORM,
    name: name.slice(0, 300),
    url: `${url.protocol}//${url.host}/`,
  };
}

function parsePost(el: Element, page: PageContext): ObservedPost | undefined {
  const key = postKey(el);
  if (PLACEHOLDERS.some((selector) => el.matches(selector))) return undefined;

  const scope = page.community.id;
  const base = documentBase(el.ownerDocument, page.url);
  const author = readAuthor(el, scope, base);
  if (!author) return undefined;

  const body = expectElement(queryFirst(el, BODIES), 'a post body (.message-body / .messageText)', el);
  const id = postId(scope, `post-${key}`);
  const thread = readThread(el, key, page, base);
  const isOpener = thread.openerKey === key;
  const threadId = thread.threadId;

  return {
    id,
    communityId: scope,
    threadId,
    parentId: isOpener ? null : threadId,
    kind: isOpener ? 'post' : 'comment',
    author,
    publishedAt: readTime(el, page.observedAt),
    url: readPermalink(el, key, base),
    text: readableText(body, (child) => child.matches(NOT_OWN_TEXT)),
  };
}

/** The numeric post id: XF2 `data-content="post-123"`, XF1 `id="post-123"`. */
function postKey(el: Element): string {
  const source = el.getAttribute('data-content') ?? el.id;
  const match = /^post-(\d+)$/.exec(source);
  if (!match?.[1]) {
    throw new AdapterError(`Expected a post id like "post-123" on <${el.tagName.toLowerCase()}>, found "${source}"`);
  }
  return match[1];
}

function readAuthor(el: Element, scope: string, base: URL): ObservedAuthor | undefined {
  const nameEl = expectElement(queryFirst(el, AUTHOR_NAMES), 'the author name (.username)', el);
  const name = (cleanText(nameEl) || el.getAttribute('data-author')?.trim() || '').slice(0, 200);
  if (!name) return undefined;

  const link = nameEl.closest('a[href]') ?? nameEl.querySelector('a[href]');
  const profileUrl = link ? absoluteUrl(link.getAttribute('href'), base) : null;
  const userId = positiveId(nameEl.getAttribute('data-user-id')) ?? userIdFromProfile(profileUrl);
  if (userId) return { id: memberId(scope, userId), name, profileUrl, isWeak: false };
  // Guests and deleted accounts keep their name on the post but have no user id (data-user-id="0").
  return { id: weakMemberId(scope, name), name, profileUrl: null, isWeak: true };
}

/** `/members/<name>.<id>/`, or `/members/<id>/` where the name slug is off. */
function userIdFromProfile(href: string | null): string | undefined {
  if (!href) return undefined;
  return /(?:^|[/?])members\/(?:[^/?#&]*\.)?(\d+)(?=[/?#&]|$)/.exec(href)?.[1];
}

interface ThreadInfo {
  /** Post id (numeric) of the thread opener, when it is on this page. */
  openerKey: string | undefined;
  threadId: string;
}

/**
 * The opener is post #1. Where a style hides the counters, it is the first post of page 1.
 * The thread is `xenforo:<host>:thread-<thread id>` on every page.
 */
function readThread(el: Element, key: string, page: PageContext, base: URL): ThreadInfo {
  const scope = page.community.id;
  const doc = el.ownerDocument;
  const pageNumber = threadPage(page.url) ?? threadPage(canonicalUrl(doc, page.url)) ?? 1;
  const isOpener = (post: Element, isFirstOnPage: boolean): boolean => {
    const number = postNumber(post);
    return number !== undefined ? number === 1 : isFirstOnPage && pageNumber === 1;
  };

  // The thread is keyed by its own id, which every page of it shows, so posts read on page 1
  // and on page 5 land in one thread (as phpBB's topic key). Only without it does the opener's
  // post id stand in.
  const threadKey =
    threadIdFrom(readPermalink(el, key, base)) ??
    threadIdFrom(page.url.href) ??
    threadIdFrom(canonicalUrl(doc, page.url).href) ??
    // XF2: <html data-content-key="thread-44340">
    /^thread-(\d+)$/.exec(doc.documentElement.getAttribute('data-content-key') ?? '')?.[1];
  const threadKeyId = threadKey ? postId(scope, `thread-${threadKey}`) : undefined;

  const first = doc.querySelector(POSTS);
  if (isOpener(el, first === el)) return { openerKey: key, threadId: threadKeyId ?? postId(scope, `post-${key}`) };
  if (first && first !== el && isOpener(first, true)) {
    const openerKey = postKey(first);
    return { openerKey, threadId: threadKeyId ?? postId(scope, `post-${openerKey}`) };
  }
  if (!threadKeyId) {
    throw new AdapterError(`Expected a thread id in the URL (/threads/<slug>.<id>/) for post ${key}, found none`);
  }
  return { openerKey: undefined, threadId: threadKeyId };
}

function threadIdFrom(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  return /(?:^|[/?])threads\/(?:[^/?#&]*\.)?(\d+)(?=[/?#&]|$)/.exec(href)?.[1];
}

function threadPage(url: URL): number | undefined {
  const match = /(?:^|[/?])threads\/[^/?#&]+\/page-(\d+)/.exec(url.pathname + url.search);
  return match?.[1] ? Number(match[1]) : undefined;
}

function postNumber(el: Element): number | undefined {
  for (const selector of POST_NUMBERS) {
    for (const link of Array.from(el.querySelectorAll(selector))) {
      const match = /^#\s*([\d.,\s\u00a0]+)$/.exec(cleanText(link));
      if (match?.[1]) return Number(match[1].replace(/\D/g, ''));
    }
  }
  return undefined;
}

function readTime(el: Element, observedAt: Date): string | null {
  const timeEl = queryFirst(el, TIMES);
  if (!timeEl) return null;
  return (
    parseIsoAttribute(timeEl.getAttribute('datetime')) ??
    fromUnixSeconds(timeEl.getAttribute('data-time')) ??
    // XF1 prints dates older than a week as <span class="DateTime" title="Sep 9, 2017 at 1:19 AM">.
    parseDateText(timeEl.getAttribute('title') ?? '', XF1_DATE_FORMATS, observedAt) ??
    parseDateText(cleanText(timeEl), XF1_DATE_FORMATS, observedAt)
  );
}

function readPermalink(el: Element, key: string, base: URL): string | null {
  const namesThisPost = new RegExp(`(?:post-|posts/)${key}(?!\\d)`);
  for (const selector of PERMALINKS) {
    for (const link of Array.from(el.querySelectorAll(selector))) {
      const href = absoluteUrl(link.getAttribute('href'), base);
      // XF1's date link on post #1 is the bare thread URL; only a link naming the post is its permalink.
      if (href && namesThisPost.test(href)) return href;
    }
  }
  // XF routes posts/<id>/ to the post wherever it sits. Relative to the forum root only: XF1
  // prints a <base> there, XF2 prints none (and always has the links above).
  return el.ownerDocument.querySelector('base[href]') ? absoluteUrl(`posts/${key}/`, base) : null;
}

/*
 * Test URLs (page kinds this adapter reads):
 * - XF2 thread, page 1:  https://forum.statcounter.com/threads/custom-tags-examples.44340/
 * - XF2 thread, page N:  https://xenforo.com/community/threads/<slug>.<id>/page-2
 * - XF2 post permalink:  https://forum.statcounter.com/threads/custom-tags-examples.44340/post-261446
 * - XF1 thread:          https://<any XF1 board>/threads/<slug>.<id>/ (html#XenForo)
 * Not read: conversations (private), profile posts, media/resource comments.
 */
