/**
 * Reading Facebook's URLs and data attributes: who a profile link points at, which post or
 * comment a permalink names, and the JSON Facebook keeps in `data-ft` / `data-store`.
 * Shared by every layout the Facebook adapter reads (www "Comet", classic www, m.facebook.com),
 * because the same person or post must get the same key whichever layout showed it.
 */
import { stringMemo } from './dom';

/** The hosts Facebook serves its own pages from (not l.facebook.com, the outbound-link redirector). */
const PAGE_HOST = /^(?:(?:www|m|web|mbasic|touch|mobile|free|d|business)\.)?facebook\.com$/i;

/** Every link and permalink we output points here, whichever layout the page was read in. */
export const CANONICAL_ORIGIN = 'https://www.facebook.com';

/** Post and comment ids: numeric, or the opaque `pfbid…` form Comet puts in post URLs. */
const OBJECT_ID = /^(?:\d{2,25}|pfbid0[0-9A-Za-z]{10,120})$/;
const NUMERIC_ID = /^\d{2,25}$/;

// First path segments that are Facebook features, never a person's or a page's username.
const RESERVED_SEGMENTS = new Set([
  'a', 'about', 'ads', 'ajax', 'bookmarks', 'browse', 'business', 'buddylist.php', 'checkpoint',
  'comment', 'composer', 'dialog', 'donate', 'events', 'feeds', 'friends', 'fundraisers', 'gaming',
  'groups', 'hashtag', 'help', 'home.php', 'jobs', 'l.php', 'legal', 'lists', 'live', 'login',
  'login.php', 'logout.php', 'marketplace', 'me', 'media', 'memories', 'messages', 'mobile',
  'notes', 'notifications', 'nt', 'pages', 'permalink.php', 'pg', 'photo', 'photo.php', 'photos',
  'plugins', 'policies', 'policy.php', 'posts', 'privacy', 'profile.php', 'r.php', 'reel', 'reels',
  'recover', 'reg', 'saved', 'search', 'settings', 'share', 'share.php', 'sharer', 'sharer.php',
  'stories', 'story.php', 'terms', 'ufi', 'video.php', 'videos', 'watch', 'people',
]);
// Facebook usernames: letters, digits and dots (pages may also use '-'), at least two characters.
const VANITY = /^[A-Za-z0-9][A-Za-z0-9.-]{1,79}$/;

/** Who a profile link points at: the numeric id when the link carries one, else the username. */
export interface ProfileRef {
  id?: string;
  vanity?: string;
}

/** An href read once: its URL (never to be mutated: it is shared) and its decoded path segments. */
interface Link {
  readonly url: URL;
  readonly parts: readonly string[];
}

// One post is read by several readers (its author, its permalink, its comment ids), each asking
// about the same links; a feed has hundreds. Each href is parsed once. Relative hrefs depend on
// the page's address, so their key carries it (an href cannot hold a raw newline: URL drops them).
const links = stringMemo((key: string): Link | undefined => {
  const split = key.indexOf('\n');
  try {
    const url = split < 0 ? new URL(key) : new URL(key.slice(split + 1), key.slice(0, split));
    return PAGE_HOST.test(url.hostname) ? Object.freeze({ url, parts: Object.freeze(pathSegments(url)) }) : undefined;
  } catch {
    return undefined;
  }
});

function readLink(href: string | null | undefined, base: URL): Link | undefined {
  if (!href || href.startsWith('#') || href.startsWith('javascript:')) return undefined;
  return links(/^https?:\/\//i.test(href) ? href : `${base.href}\n${href}`);
}

/**
 * Parse an href against the page, keeping only links to Facebook's own pages. The URL is the
 * one every reader of that href shares (its query already parsed): read it, never change it.
 */
export function facebookUrl(href: string | null | undefined, base: URL): Readonly<URL> | undefined {
  return readLink(href, base)?.url;
}

/**
 * A reading of a link (the post or comment it names), made once per parsed link: several
 * readers of one item ask it of the same links. Its value is shared: never to be changed.
 */
function perLink<V>(read: (link: Link) => V | undefined): (link: Link | undefined) => V | undefined {
  const memo = new WeakMap<Link, V | null>();
  return (link) => {
    if (!link) return undefined;
    let value = memo.get(link);
    if (value === undefined) memo.set(link, (value = read(link) ?? null));
    return value ?? undefined;
  };
}

function pathSegments(url: URL): string[] {
  return url.pathname.split('/').filter(Boolean).map((segment) => {
    if (!segment.includes('%')) return segment;
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

/**
 * The person or page a link points at, whichever form the page uses:
 * `/groups/<g>/user/<uid>/`, `profile.php?id=<uid>`, `/people/<name>/<uid>/`, `/pages/<name>/<id>`,
 * `/<username>` (m. links add `?refid=…&__tn__=…`, Comet `?__cft__[0]=…`). Undefined for
 * links to anything else (posts, photos, groups, hashtags, outbound links).
 */
export function profileFromHref(href: string | null | undefined, base: URL): ProfileRef | undefined {
  const link = readLink(href, base);
  if (!link) return undefined;
  const { url, parts } = link;
  const [first, , third, fourth] = parts;
  if (!first) return undefined;
  if (first === 'groups' && third === 'user' && fourth && NUMERIC_ID.test(fourth) && parts.length === 4) {
    return { id: fourth };
  }
  if (first === 'profile.php' && parts.length === 1) {
    const id = url.searchParams.get('id');
    return id && NUMERIC_ID.test(id) ? { id } : undefined;
  }
  if ((first === 'people' || first === 'pages') && third && NUMERIC_ID.test(third) && parts.length === 3) {
    return { id: third };
  }
  if (parts.length !== 1 || RESERVED_SEGMENTS.has(first.toLowerCase())) return undefined;
  if (NUMERIC_ID.test(first)) return { id: first };
  return VANITY.test(first) ? { vanity: first } : undefined;
}

/** The numeric id in a classic www `data-hovercard="/ajax/hovercard/user.php?id=<id>…"`. */
export function idFromHovercard(value: string | null | undefined): string | undefined {
  const id = value ? /[?&]id=(\d+)/.exec(value)?.[1] : undefined;
  return id && NUMERIC_ID.test(id) ? id : undefined;
}

/** The user id m.facebook.com puts on avatars: `data-sigil="feed_story_ring<id>"`. */
export function idFromRingSigil(value: string | null | undefined): string | undefined {
  return value ? /(?:^|\s)feed_story_ring(\d{2,25})(?:\s|$)/.exec(value)?.[1] : undefined;
}

/** How sure a permalink is about the post it names. */
export type PostIdStrength = 'permalink' | 'media';

/** The post a link names; shared by every reader of that link, so never to be changed. */
export type PostRef = Readonly<{ id: string; strength: PostIdStrength }>;

/**
 * The post an href names: `/groups/<g>/posts/<id>`, `/groups/<g>/permalink/<id>`,
 * `/<owner>/posts/<id>`, `story.php`/`permalink.php?story_fbid=<id>`, m.'s
 * `/groups/<g>?view=permalink&id=<id>`, `?multi_permalinks=<id>` ('permalink'); or the album of
 * a post's photos, `set=gm.<id>` / `pcb.<id>` ('media', a weaker hint).
 */
export function postIdFromHref(href: string | null | undefined, base: URL): PostRef | undefined {
  return postOfLink(readLink(href, base));
}

const postOfLink = perLink(readPostRef);

function readPostRef({ url, parts }: Link): PostRef | undefined {
  const accept = (id: string | null | undefined, strength: PostIdStrength) =>
    id && OBJECT_ID.test(id) ? { id, strength } : undefined;

  const postsAt = parts.findIndex((part) => part === 'posts' || part === 'permalink');
  if (postsAt > 0 && parts.length > postsAt + 1) {
    // "/<owner>/posts/<slug>/<id>/" (canonical links of page posts) puts a text slug first.
    const tail = parts.slice(postsAt + 1).reverse().find((part) => OBJECT_ID.test(part));
    const found = accept(tail, 'permalink');
    if (found) return found;
  }
  if (parts[0] === 'story.php' || parts[0] === 'permalink.php') {
    const found = accept(url.searchParams.get('story_fbid'), 'permalink');
    if (found) return found;
  }
  // Most links are profiles and tracking-only queries: a look at the raw query spares parsing it.
  const { search } = url;
  if (parts[0] === 'groups' && search.includes('view=permalink') && url.searchParams.get('view') === 'permalink') {
    const found = accept(url.searchParams.get('id'), 'permalink');
    if (found) return found;
  }
  if (search.includes('multi_permalinks')) {
    const multi = accept(url.searchParams.get('multi_permalinks')?.split(',')[0], 'permalink');
    if (multi) return multi;
  }
  const media = /(?:^|[/=.])(?:gm|pcb)\.(\d{2,25})(?:$|[/&])/.exec(`${url.pathname}${search}`)?.[1];
  return accept(media, 'media');
}

/** A comment named by a link: `?comment_id=<id>` and, for replies, `&reply_comment_id=<id>`; shared, never to be changed. */
export interface CommentRef {
  /** The post the comment is on, when the link says so. */
  readonly postId?: string;
  readonly commentId: string;
  /** Set when the link names a reply: then `commentId` is the comment replied to. */
  readonly replyId?: string;
}

/**
 * Read a comment link. Comet writes the ids either as plain numbers or base64 of
 * `comment:<post id>_<comment id>`; both give the same numbers.
 */
export function commentFromHref(href: string | null | undefined, base: URL): CommentRef | undefined {
  return commentOfLink(readLink(href, base));
}

const commentOfLink = perLink(readCommentRef);

function readCommentRef(link: Link): CommentRef | undefined {
  const { url } = link;
  if (!url.search.includes('comment_id')) return undefined;
  const comment = decodeCommentParam(url.searchParams.get('comment_id'));
  if (!comment) return undefined;
  const reply = decodeCommentParam(url.searchParams.get('reply_comment_id'));
  const postId = comment.postId ?? reply?.postId ?? postOfLink(link)?.id;
  return { postId, commentId: comment.commentId, replyId: reply?.commentId };
}

function decodeCommentParam(value: string | null): { postId?: string; commentId: string } | undefined {
  if (!value) return undefined;
  if (NUMERIC_ID.test(value)) return { commentId: value };
  // "<post>_<comment>", as m. data attributes and some older links write it.
  const pair = /^(\d{2,25})_(\d{2,25})$/.exec(value);
  if (pair?.[1] && pair[2]) return { postId: pair[1], commentId: pair[2] };
  if (!/^[A-Za-z0-9+/_-]{8,200}={0,2}$/.test(value)) return undefined;
  try {
    const decoded = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
    const match = /^comment:(\d{2,25})_(\d{2,25})$/.exec(decoded);
    return match?.[1] && match[2] ? { postId: match[1], commentId: match[2] } : undefined;
  } catch {
    return undefined;
  }
}

// Query parameters that say which post or comment a permalink is; the rest is tracking.
const PERMALINK_PARAMS = ['story_fbid', 'id', 'view', 'multi_permalinks', 'comment_id', 'reply_comment_id'];

// Any of them in a raw query: most permalinks (Comet's post links) carry only tracking.
const HAS_PERMALINK_PARAM = new RegExp(`[?&](?:${PERMALINK_PARAMS.join('|')})=`);

// Characters form encoding (URLSearchParams) leaves as they are: ids are made of them.
const FORM_SAFE = /^[\w.*-]*$/;

/** A permalink without tracking parameters, on www.facebook.com whichever host the page used. */
export function cleanPermalink(url: Readonly<URL>): string {
  const { pathname, search } = url;
  if (!HAS_PERMALINK_PARAM.test(search)) return `${CANONICAL_ORIGIN}${pathname}`;
  // Written as URLSearchParams would write it, without building one for every comment's link.
  let query = '';
  for (const name of PERMALINK_PARAMS) {
    const value = url.searchParams.get(name);
    if (!value) continue;
    const pair = FORM_SAFE.test(value) ? `${name}=${value}` : new URLSearchParams([[name, value]]).toString();
    query += query ? `&${pair}` : `?${pair}`;
  }
  return `${CANONICAL_ORIGIN}${pathname}${query}`;
}

/** `url` with the comment's ids added, e.g. a post permalink + `?comment_id=…`. */
export function withCommentParams(permalink: string, commentId: string, replyId?: string): string {
  const url = new URL(permalink);
  url.searchParams.set('comment_id', commentId);
  if (replyId) url.searchParams.set('reply_comment_id', replyId);
  else url.searchParams.delete('reply_comment_id');
  return url.href;
}

/** A JSON data attribute (`data-ft`, `data-store`) as an object; undefined when absent or broken. */
export function jsonAttribute(el: Element, name: string): Record<string, unknown> | undefined {
  const raw = el.getAttribute(name);
  if (!raw || !raw.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A numeric id field of Facebook's JSON, written as a number or a string. */
export function idField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  // JSON numbers past 2^53 have lost digits already (17-digit post ids): only strings are safe then.
  const text =
    typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
  return text && NUMERIC_ID.test(text) ? text : undefined;
}

/** `value` when it is a numeric Facebook id, else undefined. */
export function numericId(value: string | null | undefined): string | undefined {
  return value && NUMERIC_ID.test(value) ? value : undefined;
}
