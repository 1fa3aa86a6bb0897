/**
 * Which community a Facebook page belongs to: a group (`facebook:group:<gid>`, the numeric id
 * when the page reveals it, else the group's slug), a page (`facebook:page:<page id or
 * username>`), or `facebook:feed` for the viewer's own news feed and every other route.
 */
import { communityId } from '@/lib/model/ids';
import type { ObservedCommunity } from '@/lib/model/observed';
import { CANONICAL_ORIGIN, idField, isRecord, jsonAttribute, numericId, postIdFromHref } from './facebook-links';

const PLATFORM = 'facebook';

// First path segments of the viewer's own feeds and tools: no group or page in view.
const FEED_ROUTES = new Set([
  '', 'bookmarks', 'events', 'feeds', 'friends', 'gaming', 'hashtag', 'home.php', 'login', 'login.php',
  'marketplace', 'memories', 'messages', 'notifications', 'people', 'photo', 'photo.php', 'reel', 'reels',
  'saved', 'search', 'settings', 'stories', 'video.php', 'watch',
]);
// Under /groups/: lists of groups, not one group.
const GROUP_INDEX_ROUTES = new Set(['feed', 'discover', 'joins', 'search', 'create', 'notifications']);
// A username (letters, digits, dots; pages also '-') or a numeric id, as the first path segment.
const OWNER_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9.-]{1,79}$/;
// App-link meta of www and m. heads: "fb://group/117507531664134", "fb://page/119240841493711".
const APP_LINK = 'meta[property="al:android:url"], meta[property="al:ios:url"]';

type Scope = { kind: 'group' | 'page'; key: string } | { kind: 'feed' };

function segments(url: URL): string[] {
  return url.pathname.split('/').filter(Boolean).map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

function scopeOf(doc: Document, url: URL): Scope {
  const [first = '', second] = segments(url);
  if (first === 'groups') {
    if (!second || GROUP_INDEX_ROUTES.has(second)) return { kind: 'feed' };
    const fromHead = headDescribes(doc, second) ? groupIdInHead(doc) : undefined;
    return { kind: 'group', key: numericId(second) ?? fromHead ?? groupIdInMemberLinks(doc) ?? second.toLowerCase() };
  }
  if (first === 'profile.php' || first === 'story.php' || first === 'permalink.php') {
    // A post's or profile's numeric owner: a page only when the page's own data says so.
    const owner = numericId(url.searchParams.get('id'));
    return owner && pageIdInDocument(doc) === owner ? { kind: 'page', key: owner } : { kind: 'feed' };
  }
  const owner = pageOwnerOf(url);
  if (!owner) return { kind: 'feed' };
  return { kind: 'page', key: numericId(owner) ?? pageIdInDocument(doc) ?? owner.toLowerCase() };
}

/**
 * The username or id a page's address starts with: "/Nintendo/posts/…", "/119240841493711/",
 * m.'s "/pages/category/<category>/Nintendo/posts/", old "/pages/<name>/<id>", "/pg/<name>/".
 */
export function pageOwnerOf(url: URL): string | undefined {
  const [first = '', second, third, fourth] = segments(url);
  const owner =
    first === 'pages' ? (second === 'category' ? fourth : numericId(third)) : first === 'pg' ? second : first;
  if (!owner || !OWNER_SEGMENT.test(owner) || owner.endsWith('.php')) return undefined;
  return first === owner && (FEED_ROUTES.has(first.toLowerCase()) || first === 'groups') ? undefined : owner;
}

/**
 * Does the document's head still describe the group at this address? After in-app
 * navigation from one group to another, the head (app-link meta, canonical) can still be the
 * first group's: its numeric id must then not be given to the second.
 */
function headDescribes(doc: Document, slug: string): boolean {
  const declared = doc.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? doc.querySelector('meta[property="og:url"]')?.getAttribute('content');
  if (!declared) return true;
  return declared.toLowerCase().includes(`/groups/${slug.toLowerCase()}`) || APP_LINK_ID.test(declared);
}
const APP_LINK_ID = /\/groups\/\d+/;

/** The group's numeric id, when a slug-addressed group page's head or stories reveal it. */
function groupIdInHead(doc: Document): string | undefined {
  for (const meta of Array.from(doc.querySelectorAll(APP_LINK))) {
    const id = /^fb:\/\/group\/(?:\?id=)?(\d+)/.exec(meta.getAttribute('content') ?? '')?.[1];
    if (id) return id;
  }
  // m. and classic stories: data-ft group_id, or the page_insights entry typed "group".
  for (const el of Array.from(doc.querySelectorAll('[data-ft*="group_id"], [data-ft*=\'"page_id_type":"group"\']')).slice(0, 20)) {
    const ft = jsonAttribute(el, 'data-ft');
    const direct = idField(ft, 'group_id');
    if (direct) return direct;
    const insights = ft?.page_insights;
    if (!isRecord(insights)) continue;
    for (const entry of Object.values(insights)) {
      if (isRecord(entry) && entry.page_id_type === 'group') {
        const id = idField(entry, 'page_id');
        if (id) return id;
      }
    }
  }
  return undefined;
}

/** Comet: members' links inside a group are /groups/<gid>/user/<uid>/; the most common gid wins. */
function groupIdInMemberLinks(doc: Document): string | undefined {
  const counts = new Map<string, number>();
  for (const link of Array.from(doc.querySelectorAll('a[href*="/user/"]')).slice(0, 200)) {
    const gid = /\/groups\/(\d+)\/user\/\d+/.exec(link.getAttribute('href') ?? '')?.[1];
    if (gid) counts.set(gid, (counts.get(gid) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * The page's numeric id, when the page reveals it: app-link meta or its own stories' data-ft.
 * Comet writes fb://profile/<id> for people and for new-style pages alike, so a person's
 * timeline reads as a page too: nothing in the markup tells them apart.
 */
function pageIdInDocument(doc: Document): string | undefined {
  for (const meta of Array.from(doc.querySelectorAll(APP_LINK))) {
    const id = /^fb:\/\/(?:page|profile)\/(?:\?id=)?(\d+)/.exec(meta.getAttribute('content') ?? '')?.[1];
    if (id) return id;
  }
  // A story the page posted itself names the page twice; shared and visitor stories do not.
  for (const el of Array.from(doc.querySelectorAll('[data-ft*="page_id"]')).slice(0, 50)) {
    const ft = jsonAttribute(el, 'data-ft');
    const page = idField(ft, 'page_id');
    if (page && page === idField(ft, 'content_owner_id_new')) return page;
  }
  return undefined;
}

function titleOf(doc: Document): string {
  return (doc.title ?? '')
    .replace(/^\(\d+\+?\)\s*/, '') // "(3) " unread count
    .replace(/\s*\|\s*Facebook\s*$/i, '')
    .trim();
}

function nameOf(doc: Document, scope: Scope): string {
  if (scope.kind === 'feed') return 'Facebook';
  if (scope.kind === 'group') {
    // Cosmetic only (the id is what matters): "South Americans in Computing Public Group".
    return titleOf(doc).replace(/\s+(public|private)\s+group$/i, '') || scope.key;
  }
  const ogTitle = doc.querySelector('meta[property="og:title"]')?.getAttribute('content')?.trim();
  return ogTitle || titleOf(doc).split(' - ')[0]?.trim() || scope.key;
}

/** The community of a Facebook page (see the file comment); every Facebook page has one. */
export function communityOf(doc: Document, url: URL): ObservedCommunity {
  const scope = scopeOf(doc, url);
  const name = nameOf(doc, scope).slice(0, 300);
  switch (scope.kind) {
    case 'group':
      return { id: communityId(PLATFORM, `group:${scope.key}`), platform: PLATFORM, name, url: `${CANONICAL_ORIGIN}/groups/${scope.key}/` };
    case 'page':
      return { id: communityId(PLATFORM, `page:${scope.key}`), platform: PLATFORM, name, url: `${CANONICAL_ORIGIN}/${scope.key}/` };
    default:
      return { id: communityId(PLATFORM, 'feed'), platform: PLATFORM, name, url: `${CANONICAL_ORIGIN}/` };
  }
}

/** The post a permalink page or post dialog address names, if any. */
export function postIdFromPageUrl(url: URL): string | undefined {
  const ref = postIdFromHref(url.href, url);
  return ref?.strength === 'permalink' ? ref.id : undefined;
}

/** Pages that must show posts: a group's feed or post, a post permalink, a page's posts, the news feed. */
export function pageKindOf(doc: Document, url: URL): string | undefined {
  const parts = segments(url);
  const scope = scopeOf(doc, url);
  if (postIdFromPageUrl(url)) return scope.kind === 'group' ? 'group-post' : 'post';
  if (scope.kind === 'group') return parts.length <= 2 ? 'group-feed' : undefined;
  if (scope.kind === 'page') return parts[parts.length - 1] === 'posts' ? 'page-posts' : undefined;
  return parts.length === 0 || parts[0] === 'home.php' ? 'news-feed' : undefined;
}
