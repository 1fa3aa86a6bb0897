/**
 * phpBB 3, on any domain: prosilver and the themes built on it (div.post), and the older
 * table-based subsilver2. Recognised by markup, since boards live on their own hosts and
 * SEO mods rewrite their URLs.
 */
import { communityId, memberId, postId, siteHost, weakMemberId } from '@/lib/model/ids';
import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import { absoluteUrl, cleanText, parseIsoAttribute, queryAllWithSelf, queryFirst, readableText, withoutParams } from './dom';
import { parseDateText } from './time';
import type { PageContext, SiteAdapter } from './types';

const FINGERPRINT = [
  'body#phpbb', // prosilver and every theme derived from it keep id="phpbb"
  'div.post[id^="p"] .postprofile', // prosilver markup under a renamed body
  'table.tablebg b.postauthor', // subsilver2
].join(',');

const POST = [
  'div.post[id^="p"]', // prosilver: <div id="p148645" class="post has-profile bg2">
  'table.tablebg', // subsilver2: one table per post (also used for other boxes: filtered below)
].join(',');

const AUTHOR = [
  '.postprofile a.username', // prosilver profile column
  '.postprofile a.username-coloured', // prosilver, moderators/admins in group colours
  '.author a.username, .author a.username-coloured', // prosilver "by <name>" line
  '.postprofile .username, .postprofile .username-coloured', // guests: a span, no link
  'b.postauthor', // subsilver2
] as const;

// Profile links, plain and as SEO mods rewrite them.
const USER_ID_PATTERNS = [
  /[?&](?:amp;)?u=(\d+)/, // memberlist.php?mode=viewprofile&u=20359
  /-u(\d+)(?:\.html|\/|$)/, // phpBB SEO: /member/tom81-u20359/ or tom81-u20359.html
  /\/member(\d+)\.html/, // phpBB SEO "simple": /member20359.html
  /\/(?:members?|users?|profile)\/(\d+)(?:[/-]|$)/, // /user/20359/, /member/20359-tom81
];

// phpBB's default and the most common board date formats (user-configurable, in English).
const DATE_FORMATS = [
  'EEE MMM dd, yyyy h:mm a', // "Sat Jun 25, 2016 5:22 pm" (default "D M d, Y g:i a")
  'EEE MMM dd, yyyy H:mm',
  'EEE MMM d, yyyy h:mm a',
  'dd MMM yyyy, HH:mm',
  'EEE dd MMM, yyyy HH:mm',
  'MMM dd, yyyy h:mm a',
  'dd.MM.yyyy, HH:mm',
  'yyyy-MM-dd HH:mm',
];

function communityOf(doc: Document, url: URL): ObservedCommunity {
  const host = siteHost(url);
  const title = cleanText(doc.querySelector('title'));
  const name =
    doc.querySelector('meta[property="og:site_name"]')?.getAttribute('content')?.trim() ||
    cleanText(doc.querySelector('#site-description h1, .site-description h1')) ||
    title.split(' - ').pop()?.trim() ||
    host;
  return { id: communityId('phpbb', host), platform: 'phpbb', name, url: url.origin };
}

function userKey(href: string | null): string | undefined {
  if (!href) return undefined;
  for (const pattern of USER_ID_PATTERNS) {
    const id = pattern.exec(href)?.[1];
    if (id) return id;
  }
  return undefined;
}

/** Topic id from the page URL or the topic title link (`t=`, or SEO `-t22170.html`). */
function topicId(doc: Document, url: URL): string | undefined {
  const candidates = [
    url.href,
    doc.querySelector('h2.topic-title a, h2 a.topictitle, a.titles')?.getAttribute('href'),
    doc.querySelector('link[rel="canonical"]')?.getAttribute('href'),
  ];
  for (const candidate of candidates) {
    const id = candidate ? (/[?&](?:amp;)?t=(\d+)/.exec(candidate) ?? /-t(\d+)(?:[-.]|\/|$)/.exec(candidate))?.[1] : undefined;
    if (id) return id;
  }
  return undefined;
}

function postKey(el: Element): string | undefined {
  if (el.tagName === 'DIV') return /^p(\d+)$/.exec(el.id)?.[1];
  return /^p(\d+)$/.exec(el.querySelector('a[name^="p"], a[id^="p"]')?.getAttribute('name') ?? '')?.[1];
}

function parsePost(el: Element, page: PageContext): ObservedPost | undefined {
  const key = postKey(el);
  const authorEl = queryFirst(el, AUTHOR);
  if (!key || !authorEl) return undefined;
  const name = cleanText(authorEl);
  if (!name) return undefined;

  const scope = page.community.id;
  const profileLink = authorEl.matches('a[href]')
    ? authorEl
    : el.querySelector('a[href*="mode=viewprofile"], a[href*="memberlist.php"]');
  const href = profileLink?.getAttribute('href') ?? null;
  const uid = userKey(href);
  const topic = topicId(el.ownerDocument, page.url);
  const threadId = topic ? postId(scope, `t${topic}`) : postId(scope, `p${key}`);
  const isOpener = isFirstPostOfTopic(el, page.url);

  const body = queryFirst(el, ['.postbody .content', '.content', 'div.postbody']);
  return {
    id: postId(scope, `p${key}`),
    communityId: scope,
    // The opener's post id is not on pages 2+, so a thread is keyed by its topic id everywhere.
    threadId,
    parentId: isOpener ? null : threadId,
    kind: isOpener ? 'post' : 'comment',
    author: uid
      ? { id: memberId(scope, uid), name, profileUrl: withoutParams(absoluteUrl(href, page.url), ['sid']), isWeak: false }
      : { id: weakMemberId(scope, name), name, profileUrl: null, isWeak: true },
    publishedAt: publishedAt(el),
    url: absoluteUrl(`viewtopic.php?p=${key}#p${key}`, page.url),
    text: body ? readableText(body, (child) => child.matches('blockquote, .signature, .notice')) : '',
  };
}

/** The first post element on the first page of a topic is the topic's opener. */
function isFirstPostOfTopic(el: Element, url: URL): boolean {
  const start = Number(url.searchParams.get('start') ?? '0');
  const isFirstPage = start === 0 && !/-\d+\.html$/.test(url.pathname) && !/\/page\d+/.test(url.pathname);
  // querySelector stops at the first match: no scan of every post for every post.
  const first = el.ownerDocument.querySelector('div.post[id^="p"]') ?? findPosts(el.ownerDocument)[0];
  return isFirstPage && first === el;
}

function publishedAt(el: Element): string | null {
  const byline = el.querySelector('.author, p.author');
  const attr = parseIsoAttribute(byline?.querySelector('time[datetime]')?.getAttribute('datetime'));
  if (attr) return attr;
  // "by tom81 » Sat Jun 25, 2016 5:22 pm": the date is what follows the last » or "on".
  const text = cleanText(byline ?? queryFirst(el, ['.postdetails', '.gensmall[style*="float: right"]', 'td.gensmall div[style*="float: right"]']));
  const tail = text.split('»').pop()?.replace(/^.*\b(?:on|Posted:)\s+/i, '') ?? '';
  return parseDateText(tail, DATE_FORMATS, new Date());
}



function findPosts(root: ParentNode): Element[] {
  return queryAllWithSelf(root, POST).filter((el) => el.tagName === 'DIV' || el.querySelector('b.postauthor'));
}

export const phpbb: SiteAdapter = {
  id: 'phpbb',
  matches: [],
  detect: (doc) => doc.querySelector(FINGERPRINT) !== null,
  community: (doc, url) => communityOf(doc, url),
  pageKind: (doc, url) => (/viewtopic\.php|-t\d+(?:-\d+)?\.html/.test(url.pathname) || doc.querySelector('body.section-viewtopic') ? 'topic' : undefined),
  findPosts,
  parsePost,
  badgeAnchor: (el) => queryFirst(el, AUTHOR),
  replyBox: (el) =>
    queryFirst(el.ownerDocument, [
      '#qr_postform textarea[name="message"]', // quick reply under the topic
      'form#postform textarea[name="message"]', // full posting page
    ]) as HTMLElement | undefined,
};

/*
 * Test URLs
 * - prosilver topic: https://forum.odroid.com/viewtopic.php?f=139&t=22170
 * - page 2 of a topic: https://www.phpbb.com/community/viewtopic.php?t=2517596&start=15
 * - SEO-rewritten board: https://www.example-board.net/some-forum/topic-title-t1234.html
 * - subsilver2 board: any phpBB 3.0 board still on that theme
 */
