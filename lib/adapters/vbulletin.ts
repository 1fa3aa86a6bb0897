/**
 * vBulletin threads (4.x, 3.x, and 5.x as far as its markup is known), on whatever host the
 * forum lives: recognised by the markup vBulletin itself prints, never by the domain.
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
  withoutParams,
} from './dom';
import { fromUnixSeconds, parseDateText } from './time';
import { AdapterError, type PageContext, type SiteAdapter } from './types';

const PLATFORM = 'vbulletin';

const PAGE_FINGERPRINTS = [
  // vB4: <html id="vbulletin_html">
  'html#vbulletin_html',
];
const POST_FINGERPRINTS = [
  // vB3 and vB4: the post body container every postbit template prints
  '[id^="post_message_"]',
  // vB5: a post node with its author block
  'li.b-post[data-node-id] .b-userinfo',
];

type Variant = 'vb3' | 'vb4' | 'vb5';

const POSTS = [
  // vB4 postbit / postbit_legacy: <li class="postbit postcontainer" id="post_1518952">
  'li.postcontainer[id^="post_"]',
  // vB3 postbit_legacy / postbit: <table class="tborder" id="post1518952"> (filtered to digits below)
  'table[id^="post"]',
  // vB5: <li class="b-post js-post" data-node-id="4182">
  'li.b-post[data-node-id]',
].join(', ');

// Deleted posts and posts by ignored members: a stub with a name but no post to read.
const PLACEHOLDERS = [
  // vB4
  '.postbitdeleted',
  '.postbitignored',
  // vB5 soft-deleted node
  '.b-post--deleted',
];

const AUTHOR_NAMES: Record<Variant, readonly string[]> = {
  vb4: [
    // <div class="username_container"><a class="username" href="member.php?107175-Crazyguy"><strong>…
    '.username_container .username',
    '.userinfo .username',
    'a.username',
  ],
  vb3: [
    // <div id="postmenu_123"><a class="bigusername" href="member.php?u=45">
    'a.bigusername',
    '.bigusername',
  ],
  vb5: [
    // <div class="b-userinfo"><div class="author"><strong><a href="…/member/103-caffeine">
    '.b-userinfo .author a',
    '.b-post__author a',
    '.b-userinfo .author',
  ],
};

const BODIES: Record<Variant, (key: string) => readonly string[]> = {
  // <div id="post_message_123"><blockquote class="postcontent restore">
  vb4: (key) => [`#post_message_${key} .postcontent`, `#post_message_${key}`, '.postcontent'],
  // <div id="post_message_123">text</div>
  vb3: (key) => [`#post_message_${key}`],
  // <div class="js-post__content-text restore" itemprop="text">
  vb5: () => ['.js-post__content-text', '.b-post__content [itemprop="text"]'],
};

const REPLY_BOXES = [
  // vB3/vB4 quick reply (plain textarea, or the one the editor mirrors)
  '#vB_Editor_QR_textarea',
  // vB 4.2 CKEditor quick reply keeps its source textarea under this id
  '#vB_Editor_QR_editor',
  // vB4 form#quick_reply, vB3 form#qrform
  'form#quick_reply textarea[name="message"]',
  'form#qrform textarea[name="message"]',
];

// vB's default date format is "m-d-Y, h:i A" ("04-06-2019, 09:29 PM"); boards may change it,
// so a few common ones follow. Month-first is tried first: it is the default.
const DATE_FORMATS = [
  'MM-dd-yyyy, hh:mm a',
  'MM-dd-yyyy, HH:mm',
  'MM-dd-yy, hh:mm a',
  'dd-MM-yyyy, HH:mm',
  'dd.MM.yyyy, HH:mm',
  'dd/MM/yyyy, HH:mm',
  'MMM do, yyyy, hh:mm a',
  'do MMM yyyy, HH:mm',
];
const TIME_FORMATS = ['hh:mm a', 'HH:mm'];
// "Today, 09:29 PM" / "Yesterday, 04:11 AM": the day is a word, the time is text.
const DAY_WORDS: ReadonlyArray<[RegExp, number]> = [
  [/^(today|היום)$/i, 0],
  [/^(yesterday|אתמול)$/i, 1],
];

/** vBulletin 4, 3 and 5 thread pages on any host. */
export const vbulletin: SiteAdapter = {
  id: 'vbulletin',
  matches: [],

  detect(doc) {
    if (PAGE_FINGERPRINTS.some((selector) => doc.documentElement.matches(selector))) return true;
    const generator = doc.querySelector('meta[name="generator"]')?.getAttribute('content') ?? '';
    if (/^vBulletin\b/i.test(generator.trim())) return true;
    return queryFirst(doc, POST_FINGERPRINTS) !== undefined;
  },

  community(doc, url) {
    return readCommunity(doc, url);
  },

  pageKind(doc, url) {
    // vB3/vB4 show threads through showthread.php (or /threads/<id>-<slug> with friendly URLs);
    // vB5 renders a topic as ul.conversation-list.thread-view.
    if (/showthread\.php/.test(url.pathname) || /\/threads\/\d+/.test(url.pathname)) return 'thread';
    return doc.querySelector('.conversation-list.thread-view') ? 'thread' : undefined;
  },

  findPosts(root) {
    // vB3 names many things "post…"; only table#post<digits> is a post.
    return queryAllWithSelf(root, POSTS).filter((el) => el.tagName !== 'TABLE' || /^post\d+$/.test(el.id));
  },

  parsePost(el, page) {
    return parsePost(el, page);
  },

  badgeAnchor(el) {
    const variant = variantOf(el);
    return variant ? queryFirst(el, AUTHOR_NAMES[variant]) : undefined;
  },

  replyBox(el) {
    // One quick-reply box per thread page, below the posts: it answers every post on it.
    return queryFirst(el.ownerDocument, REPLY_BOXES) as HTMLElement | undefined;
  },
};

function readCommunity(doc: Document, url: URL): ObservedCommunity {
  const host = siteHost(url);
  const name =
    doc.querySelector('meta[property="og:site_name"]')?.getAttribute('content')?.trim() ||
    doc.querySelector('#logo img[alt], .logo img[alt], .site-logo img[alt]')?.getAttribute('alt')?.trim() ||
    host;
  // vB4 states the board's root URL: <meta name="vb_meta_bburl" content="https://www.msworld.org/forum">.
  const root = absoluteUrl(doc.querySelector('meta[name="vb_meta_bburl"]')?.getAttribute('content'), url);
  return {
    id: communityId(PLATFORM, host),
    platform: PLATFORM,
    name: name.slice(0, 300),
    url: root && new URL(root).host === url.host ? root : `${url.protocol}//${url.host}/`,
  };
}

function variantOf(el: Element): Variant | undefined {
  if (el.matches('li.postcontainer')) return 'vb4';
  if (el.matches('li.b-post[data-node-id]')) return 'vb5';
  if (el.tagName === 'TABLE' && /^post\d+$/.test(el.id)) return 'vb3';
  return undefined;
}

function postKey(el: Element, variant: Variant): string {
  const source = variant === 'vb5' ? (el.getAttribute('data-node-id') ?? '') : el.id;
  const match = (variant === 'vb5' ? /^(\d+)$/ : /^post_?(\d+)$/).exec(source);
  if (!match?.[1]) {
    throw new AdapterError(`Expected a vBulletin post id on <${el.tagName.toLowerCase()}>, found "${source}"`);
  }
  return match[1];
}

function parsePost(el: Element, page: PageContext): ObservedPost | undefined {
  const variant = variantOf(el);
  if (!variant) {
    throw new AdapterError(`Expected a vBulletin post (li.postcontainer, table#post…, li.b-post), found <${el.tagName.toLowerCase()}>`);
  }
  const key = postKey(el, variant);
  if (PLACEHOLDERS.some((selector) => el.matches(selector))) return undefined;

  const scope = page.community.id;
  const base = documentBase(el.ownerDocument, page.url);
  const author = readAuthor(el, variant, scope, base);
  if (!author) return undefined;

  const body = expectElement(queryFirst(el, BODIES[variant](key)), 'a post body (post_message_…)', el);
  const id = postId(scope, `post-${key}`);
  const openerKey = findOpenerKey(el, variant, key, page);
  const isOpener = openerKey === key;
  // vB5's thread is its starter node, the same on every page; vB3/vB4 key the thread by its
  // thread id (every page shows it), so page 1 and page 5 land in one thread.
  const threadId =
    variant === 'vb5' && openerKey ? postId(scope, `post-${openerKey}`) : (threadKeyOf(el, page) ?? (openerKey ? postId(scope, `post-${openerKey}`) : threadStandIn(el, variant, page)));

  return {
    id,
    communityId: scope,
    threadId,
    parentId: isOpener ? null : threadId,
    kind: isOpener ? 'post' : 'comment',
    author,
    publishedAt: readTime(el, variant, page.observedAt),
    url: readPermalink(el, variant, key, base),
    text: readableText(body, isNotOwnText),
  };
}

function readAuthor(el: Element, variant: Variant, scope: string, base: URL): ObservedAuthor | undefined {
  const nameEl = expectElement(queryFirst(el, AUTHOR_NAMES[variant]), 'the author name (.username / .bigusername)', el);
  const name = cleanText(nameEl).slice(0, 200);
  if (!name) return undefined;

  const link = nameEl.closest('a[href]') ?? nameEl.querySelector('a[href]');
  const profileUrl = link ? vbWithoutSession(absoluteUrl(link.getAttribute('href'), base)) : null;
  const userId =
    (variant === 'vb5' ? positiveId(el.querySelector('.b-userinfo[data-user-id]')?.getAttribute('data-user-id') ?? null) : undefined) ??
    userIdFromProfile(profileUrl);
  if (userId) return { id: memberId(scope, userId), name, profileUrl, isWeak: false };
  // Guests post under a typed name with no account (<span class="username guest">).
  return { id: weakMemberId(scope, name), name, profileUrl: null, isWeak: true };
}

/**
 * Profile links: `member.php?u=45`, `member.php?107175-Crazyguy` (vB4 friendly URLs),
 * `member.php/107175-crazyguy`, `/members/107175-crazyguy` (vB4 advanced), `/member/103-caffeine` (vB5).
 */
function userIdFromProfile(href: string | null): string | undefined {
  if (!href) return undefined;
  return (
    /member\.php\?(?:[^#]*&)?u(?:serid)?=(\d+)/.exec(href)?.[1] ??
    /member\.php[?/](\d+)(?=[-&/#]|$)/.exec(href)?.[1] ??
    /\/members?\/(\d+)(?=[-/?#]|$)/.exec(href)?.[1]
  );
}

/**
 * The opener is post #1: vB3/vB4 print the post's number in `<a id="postcount<id>" name="1">`,
 * vB5 in `.b-post__count` ("#1") and a `b-post--first` class. Where no number is printed, the
 * first post of page 1 is the opener.
 */
function findOpenerKey(el: Element, variant: Variant, key: string, page: PageContext): string | undefined {
  const pageNumber = threadPage(page.url) ?? threadPage(canonicalUrl(el.ownerDocument, page.url)) ?? 1;
  const isOpener = (post: Element, postVariant: Variant, postKeyValue: string, isFirstOnPage: boolean): boolean => {
    if (postVariant === 'vb5' && post.matches('.b-post--first, .js-conversation-starter')) return true;
    const number = postNumber(post, postVariant, postKeyValue);
    return number !== undefined ? number === 1 : isFirstOnPage && pageNumber === 1;
  };

  const first = vbulletin.findPosts(el.ownerDocument)[0];
  if (isOpener(el, variant, key, first === el)) return key;
  if (first && first !== el) {
    const firstVariant = variantOf(first);
    if (firstVariant) {
      const firstKey = postKey(first, firstVariant);
      if (isOpener(first, firstVariant, firstKey, true)) return firstKey;
    }
  }
  // vB5: the thread starter node is the thread, so its id is in every page's URL
  // (/forum/<channel>/<node id>-<slug>/page2): the opener's id is known even off page 1.
  if (variant === 'vb5') return vb5StarterId(page.url) ?? vb5StarterId(canonicalUrl(el.ownerDocument, page.url));
  return undefined;
}

function postNumber(el: Element, variant: Variant, key: string): number | undefined {
  if (variant === 'vb5') {
    const match = /^#\s*([\d.,\s\u00a0]+)$/.exec(cleanText(el.querySelector('.b-post__count')));
    return match?.[1] ? Number(match[1].replace(/\D/g, '')) : undefined;
  }
  // vB3/vB4: <a id="postcount1518952" name="1"> (a machine-readable counter, not UI text)
  const counter = el.querySelector(`a#postcount${key}[name]`)?.getAttribute('name');
  if (counter && /^\d+$/.test(counter)) return Number(counter);
  const match = /^#\s*([\d.,\s\u00a0]+)$/.exec(cleanText(el.querySelector('a.postcounter')));
  return match?.[1] ? Number(match[1].replace(/\D/g, '')) : undefined;
}

function threadKeyOf(el: Element, page: PageContext): string | undefined {
  try {
    return threadStandIn(el, 'vb4', page);
  } catch {
    return undefined;
  }
}

/**
 * The thread's own key, `vbulletin:<host>:thread-<thread id>`, from the URL, the canonical link
 * or the forms' hidden `t` / `threadid` field: every page of a vB3/vB4 thread shows it, so it
 * keys the thread on page 1 and page 5 alike (as phpBB's topic key). Throws when none is found;
 * only then does the opener's post id stand in.
 */
function threadStandIn(el: Element, variant: Variant, page: PageContext): string {
  const doc = el.ownerDocument;
  const threadKey =
    threadIdFrom(page.url.href) ??
    threadIdFrom(canonicalUrl(doc, page.url).href) ??
    // vB3/vB4 forms (quick reply, pagination, thread tools) carry it as a hidden field.
    doc.querySelector('input[name="t"][value], input[name="threadid"][value]')?.getAttribute('value')?.trim();
  if (!threadKey || !/^\d+$/.test(threadKey)) {
    throw new AdapterError(`Expected a thread id (showthread.php?t=… or ?<id>-<slug>) for ${variant} post ${el.id}, found none`);
  }
  return postId(page.community.id, `thread-${threadKey}`);
}

/** `showthread.php?t=123`, `showthread.php?123-slug`, `showthread.php/123-slug`, `/threads/123-slug`. */
function threadIdFrom(href: string): string | undefined {
  return (
    /showthread\.php\?(?:[^#]*&)?t(?:hreadid)?=(\d+)/.exec(href)?.[1] ??
    /showthread\.php[?/](\d+)(?=[-&/#]|$)/.exec(href)?.[1] ??
    /\/threads\/(\d+)(?=[-/?#]|$)/.exec(href)?.[1]
  );
}

/** `…/page2` (vB4 friendly URLs, vB5), `&page=2` (vB3/vB4 plain URLs). */
function threadPage(url: URL): number | undefined {
  const text = url.pathname + url.search;
  const match = /\/page(\d+)(?=[&/?#]|$)/.exec(text) ?? /[?&]page=(\d+)/.exec(text);
  return match?.[1] ? Number(match[1]) : undefined;
}

function vb5StarterId(url: URL): string | undefined {
  return /\/(\d+)-[^/]*(?:\/page\d+)?\/?$/.exec(url.pathname)?.[1];
}

function readTime(el: Element, variant: Variant, observedAt: Date): string | null {
  if (variant === 'vb5') {
    return (
      fromUnixSeconds(el.getAttribute('data-node-publishdate')) ??
      parseIsoAttribute(el.querySelector('.b-post__timestamp time[datetime]')?.getAttribute('datetime')) ??
      parseDateTextWithDays(cleanText(el.querySelector('.b-post__timestamp')), observedAt)
    );
  }
  if (variant === 'vb4') {
    // <span class="date">04-06-2019,&nbsp;<span class="time">06:55 AM</span></span>
    return parseDateTextWithDays(cleanText(el.querySelector('.postdate .date, .posthead .date')), observedAt);
  }
  // vB3: the date is loose text in the first header cell, after the status icon.
  return parseDateTextWithDays(cleanText(el.querySelector('td.thead')), observedAt);
}

function parseDateTextWithDays(text: string, observedAt: Date): string | null {
  if (!text) return null;
  const relative = /^([^\d,\s]+)\s*,?\s*(.+)$/u.exec(text);
  if (relative?.[1] && relative[2]) {
    const daysAgo = DAY_WORDS.find(([pattern]) => pattern.test(relative[1] ?? ''))?.[1];
    if (daysAgo !== undefined) {
      // Read as UTC wall-clock time, like every other date text (see parseDateText).
      const day = new Date(Date.UTC(observedAt.getUTCFullYear(), observedAt.getUTCMonth(), observedAt.getUTCDate() - daysAgo));
      const time = parseDateText(relative[2], TIME_FORMATS, day);
      if (!time) return null;
      const clock = new Date(time);
      return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), clock.getUTCHours(), clock.getUTCMinutes())).toISOString();
    }
  }
  return parseDateText(text, DATE_FORMATS, observedAt);
}

function readPermalink(el: Element, variant: Variant, key: string, base: URL): string | null {
  const links =
    variant === 'vb5'
      ? ['a.b-post__count[href]', '.b-post__count a[href]']
      : // vB4 "#1" counter links to showthread.php?…&p=<id>#post<id>; vB3 to showpost.php?p=<id>&postcount=1
        ['a.postcounter[href]', `a#postcount${key}[href]`];
  for (const selector of links) {
    const href = vbWithoutSession(absoluteUrl(el.querySelector(selector)?.getAttribute('href'), base));
    if (href && new RegExp(`[?&/#]p(?:ost)?=?${key}(?!\\d)|post${key}(?!\\d)`).test(href)) return href;
  }
  // showthread.php?p=<id> finds a post in any thread; it lives at the board root (the <base>).
  return variant === 'vb5' ? null : vbWithoutSession(absoluteUrl(`showthread.php?p=${key}#post${key}`, base));
}

/** vB's guest session id (`s=…`) is not part of a post's or a person's URL. */
const vbWithoutSession = (href: string | null) => withoutParams(href, ['s']);

/** Quoted posts are someone else's words; "Code:" labels are vB's. */
function isNotOwnText(el: Element): boolean {
  // vB4/vB5: <div class="bbcode_container"><div class="bbcode_quote">, and the
  // <div class="bbcode_description">Code:</div> over [CODE] blocks (the code itself stays).
  if (el.matches('.bbcode_quote, .bbcode_description')) return true;
  // vB3 default quote: <div style="margin:20px"><div class="smallfont">Quote:</div><table><tr><td class="alt2">
  return el.tagName === 'DIV' && el.querySelector(':scope > table td.alt2') !== null;
}

/*
 * Test URLs (page kinds this adapter reads):
 * - vB4 thread, page 1:  https://www.msworld.org/forum/showthread.php?145403-Sort-of-new-here
 * - vB4 thread, page N:  https://www.msworld.org/forum/showthread.php?145403-Sort-of-new-here/page2
 * - vB3 thread:          https://<any vB3 board>/showthread.php?t=<id>&page=2
 * - vB5 topic:           https://forum.vbulletin.com/forum/<channel>/<node id>-<slug>
 * Not read: vB5 comments under posts (li.b-comment), threaded/hybrid display modes,
 * private messages.
 */
