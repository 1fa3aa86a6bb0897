/**
 * Discourse, on any domain: today's Ember-rendered topic page and the server-rendered crawler
 * view (what search engines and no-JavaScript visitors get). Recognised by the generator meta
 * or the setup data Discourse puts in every page, never by host.
 */
import { communityId, memberId, postId, siteHost } from '@/lib/model/ids';
import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import { absoluteUrl, cleanText, expectElement, parseIsoAttribute, queryAllWithSelf, queryFirst, readableText, toIso } from './dom';
import type { PageContext, SiteAdapter } from './types';

const FINGERPRINT = [
  'meta[name="generator"][content^="Discourse"]', // every Discourse page since 1.x
  'meta#data-discourse-setup', // Ember app boot data (3.x)
  '[data-discourse-setup]', // older Ember boot data on a <div>/<script>
].join(',');

const POST = [
  'article[id^="post_"][data-post-id]', // Ember topic view: one <article> per post
  '.crawler-post', // crawler view: div.topic-body.crawler-post (2.x and 3.x)
].join(',');

// Author of a post. Ember: the names row links to /u/<username> with data-user-card; the
// crawler view marks the author with schema.org microdata.
const AUTHOR_LINK = [
  '.names a[data-user-card]', // Ember, full name or username link
  '.topic-meta-data a[href*="/u/"]', // Ember variants without data-user-card
  '[itemprop="author"] a[href*="/u/"]', // crawler view
] as const;

const BODY = [
  '.cooked', // Ember
  '[itemprop="articleBody"]', // crawler view 2.x
  '[itemprop="text"]', // crawler view 3.x comments
  '.post', // crawler view fallback
] as const;

// Quotes of other posts and link previews are not the author's words.
const NOT_OWN_TEXT = 'aside.quote, aside.onebox, .quote-controls, .cooked-selection-barrier';

function communityOf(doc: Document, url: URL): ObservedCommunity {
  const host = siteHost(url);
  const name =
    doc.querySelector('meta[property="og:site_name"]')?.getAttribute('content')?.trim() ||
    doc.querySelector('#site-logo')?.getAttribute('alt')?.trim() ||
    host;
  return { id: communityId('discourse', host), platform: 'discourse', name, url: url.origin };
}

/** Topic id from `/t/<slug>/<id>` or `/t/<id>` (with an optional post number after it). */
function topicIdFrom(path: string): string | undefined {
  return /\/t\/(?:[^/]+\/)?(\d+)(?:\/\d+)?\/?(?:[?#]|$)/.exec(path)?.[1];
}

function usernameFromHref(href: string | null): string | undefined {
  const match = href ? /\/u\/([^/?#]+)/.exec(href) : null;
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

function parsePost(el: Element, page: PageContext): ObservedPost | undefined {
  const isCrawler = el.classList.contains('crawler-post');
  const scope = page.community.id;

  const link = queryFirst(el, AUTHOR_LINK);
  if (!link) {
    // Posts by deleted users or the system have a header but no /u/ link: no member to badge.
    // No header at all means the markup changed.
    expectElement(el.querySelector('.names, .topic-meta-data, [itemprop="author"]'), 'a post header', el);
    return undefined;
  }
  const username = link.getAttribute('data-user-card') ?? usernameFromHref(link.getAttribute('href'));
  if (!username) return undefined;

  const number = postNumber(el, isCrawler);
  const topicId =
    el.getAttribute('data-topic-id') ??
    topicIdFrom(el.querySelector('a.post-date, .post-date a, a[href*="/t/"]')?.getAttribute('href') ?? '') ??
    topicIdFrom(page.url.pathname);
  if (!number || !topicId) return undefined;

  const name = isCrawler
    ? cleanText(el.querySelector('[itemprop="author"] [itemprop="name"]')) || username
    : cleanText(link) || username;
  const body = queryFirst(el, BODY);
  const opener = postId(scope, `t${topicId}/1`);
  return {
    id: postId(scope, `t${topicId}/${number}`),
    communityId: scope,
    threadId: opener,
    parentId: number === '1' ? null : opener,
    kind: number === '1' ? 'post' : 'comment',
    author: {
      id: memberId(scope, username.toLowerCase()),
      name,
      profileUrl: absoluteUrl(`/u/${encodeURIComponent(username)}`, page.url),
      isWeak: false,
    },
    publishedAt: publishedAt(el, isCrawler),
    url: `${page.url.origin}/t/${topicId}/${number}`,
    text: body ? readableText(body, (child) => child.matches(NOT_OWN_TEXT)) : '',
  };
}

function postNumber(el: Element, isCrawler: boolean): string | undefined {
  const fromId = /^post_(\d+)$/.exec(el.id)?.[1];
  if (fromId) return fromId;
  if (isCrawler) return /#?(\d+)/.exec(cleanText(el.querySelector('[itemprop="position"]')))?.[1];
  return undefined;
}

function publishedAt(el: Element, isCrawler: boolean): string | null {
  if (isCrawler) {
    return (
      parseIsoAttribute(el.querySelector('meta[itemprop="datePublished"]')?.getAttribute('content')) ??
      parseIsoAttribute(el.querySelector('time[datetime]')?.getAttribute('datetime'))
    );
  }
  // Ember renders "2d" text; the exact time is in data-time (milliseconds).
  const ms = el.querySelector('.post-date [data-time], .relative-date[data-time]')?.getAttribute('data-time');
  return ms && /^\d{12,14}$/.test(ms) ? toIso(Number(ms)) : null;
}

export const discourse: SiteAdapter = {
  id: 'discourse',
  matches: [],
  detect: (doc) => doc.querySelector(FINGERPRINT) !== null,
  community: (doc, url) => communityOf(doc, url),
  pageKind: (_doc, url) => (topicIdFrom(url.pathname) ? 'topic' : undefined),
  findPosts: (root) => queryAllWithSelf(root, POST),
  parsePost,
  badgeAnchor: (el) => queryFirst(el, AUTHOR_LINK),
  replyBox: (el) =>
    queryFirst(el.ownerDocument, [
      '#reply-control .d-editor-input', // Markdown composer (textarea)
      '#reply-control .ProseMirror[contenteditable="true"]', // rich-text composer (3.4+)
    ]) as HTMLElement | undefined,
};

/*
 * Test URLs
 * - Topic, Ember: https://meta.discourse.org/t/congratulations-most-stars-in-2013-github-octoverse/12483
 * - Topic, crawler view: the same URL fetched without JavaScript (or with ?_escaped_fragment_)
 * - Subfolder install: https://community.example.com/forum/t/some-topic/42
 */
