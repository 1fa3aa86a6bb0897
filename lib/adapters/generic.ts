/**
 * The generic fallback: any page that marks its discussion up with schema.org
 * (`DiscussionForumPosting`, `Comment`, `Question`/`Answer`), as microdata or as JSON-LD.
 * It comes last in the registry: Discourse's crawler view and XenForo carry the same markup,
 * and their own adapters know those sites better.
 *
 * Post handles. Microdata items are elements, so a post is its itemscope element. JSON-LD has
 * no element per post, so each JSON-LD post is matched to a visible link of its author (same
 * profile URL, else the same link text as the author's name; the N-th post of a person takes
 * that person's N-th unused link, in page order). That link is the post's handle and its badge
 * anchor. A JSON-LD post with no visible author link still reaches the record: `findPosts`
 * returns a detached placeholder element for it (when given the whole document or the subtree
 * holding its script), `parsePost` reads it, and `badgeAnchor` says there is nowhere to badge.
 * Handles are kept per document while the JSON-LD text is unchanged, so the runtime sees the
 * same placeholder element on every pass and never processes it twice.
 */
import { communityId, memberId, postId, siteHost, weakMemberId } from '@/lib/model/ids';
import { MAX_TEXT_LENGTH } from '@/lib/model/limits';
import type { ObservedAuthor, ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import { absoluteUrl, canonicalUrl, cleanText, parseIsoAttribute, queryAllWithSelf, readableText } from './dom';
import { parseRelativeTime } from './time';
import type { PageContext, SiteAdapter } from './types';

const PLATFORM = 'generic';

/** schema.org types that are a member's contribution to a discussion. */
const DISCUSSION_TYPES = ['DiscussionForumPosting', 'Question', 'Answer', 'Comment'] as const;
/** Types that open a thread when nothing encloses them. */
const OPENER_TYPES: ReadonlySet<string> = new Set(['DiscussionForumPosting', 'Question']);

// Microdata items of a discussion type. `$=` matches a type that is the last (or only) token of
// itemtype, `*=` with a trailing space one in the middle; the exact type is checked again in JS.
const MICRODATA_ITEM = DISCUSSION_TYPES.flatMap((type) => [
  `[itemscope][itemtype$="/${type}"]`, // itemtype="http(s)://schema.org/Comment"
  `[itemscope][itemtype*="/${type} "]`, // itemtype="https://schema.org/Comment https://example.org/Reply"
]).join(',');

// Detection: a discussion item that names an author. FAQ pages (Question/Answer without an
// author) and blogs marked up only as Article are not discussions of members.
const MICRODATA_WITH_AUTHOR = MICRODATA_ITEM.split(',')
  .map((item) => `${item} [itemprop~="author"]`)
  .join(',');

const JSON_LD = 'script[type="application/ld+json"]';
// Cheap test before JSON.parse: the script must name one of the types at all.
const JSON_LD_HINT = /DiscussionForumPosting|Question|Answer|"Comment"|\/Comment"/;

// JSON-LD properties followed from a non-discussion node to find discussion items in it
// (WebPage/QAPage → mainEntity). `comment` of an Article, SocialMediaPosting or VideoObject is
// deliberately not followed: those are blog/social pages (Facebook's m. pages carry one), not forums.
const CONTAINER_EDGES = ['@graph', 'mainEntity'] as const;
// Properties followed from a discussion item to its replies.
const REPLY_EDGES = ['comment', 'suggestedAnswer', 'acceptedAnswer'] as const;
const MAX_JSON_LD_DEPTH = 12;
const MAX_JSON_LD_ITEMS = 2000;

// Author "names" that are page furniture or placeholders, in the languages the UI supports.
const UI_NAMES = new Set([
  'like', 'likes', 'reply', 'replies', 'quote', 'share', 'report', 'edit', 'delete', 'permalink',
  'deleted', '[deleted]', '[removed]', 'removed', 'deleted user', 'deleted member', 'former member',
  'guest', 'anonymous', 'unknown', 'member', 'posts', 'joined', 'author', 'posted by', 'by', 'more',
  'הגב', 'תגובה', 'ציטוט', 'אהבתי', 'שיתוף', 'אורח', 'משתמש שנמחק',
  'رد', 'اقتباس', 'إعجاب', 'مشاركة', 'زائر', 'مجهول',
]);

/**
 * Is this "name" a UI string or a placeholder rather than a person: buttons, "[deleted]",
 * "Guest", labels with counts ("Posts: 12"), bare numbers.
 */
export function isUiName(name: string): boolean {
  const folded = name.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!folded) return true;
  if (UI_NAMES.has(folded) || UI_NAMES.has(folded.replace(/[:.!]+$/, ''))) return true;
  return /^[\d\s.,:]+$/.test(folded) || /:\s*\d/.test(folded);
}

/**
 * A small, stable, non-cryptographic string hash (two 32-bit FNV-1a style lanes with different
 * seeds and a final mix), as 16 hex digits. Stable across runs and engines, so it can key posts
 * that carry no id of their own.
 */
export function stableHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  const hex = (n: number) => ((n ^ (n >>> 16)) >>> 0).toString(16).padStart(8, '0');
  return hex(a) + hex(b);
}

/** `generic:<host>`: the community of any site read by the generic or custom-rule adapters. */
export function genericCommunity(doc: Document, url: URL, name?: string): ObservedCommunity {
  const host = siteHost(url);
  const siteName =
    name?.trim() ||
    doc.querySelector('meta[property="og:site_name"]')?.getAttribute('content')?.trim() ||
    doc.querySelector('meta[name="application-name"]')?.getAttribute('content')?.trim() ||
    host;
  return { id: communityId(PLATFORM, host), platform: PLATFORM, name: siteName.slice(0, 300), url: url.origin };
}

// Query parameters that identify a visit, not a person or a post.
const SESSION_PARAMS = /^(?:sid|s|session|sessionid|phpsessid|utm_[a-z]+|ref|fbclid)$/i;

function withoutSessionParams(url: URL): URL {
  const copy = new URL(url.href);
  for (const name of [...copy.searchParams.keys()]) {
    if (SESSION_PARAMS.test(name)) copy.searchParams.delete(name);
  }
  return copy;
}

const MAX_KEY_LENGTH = 300;

/**
 * The key of a URL within a site: path, query and fragment when it is on the page's own host,
 * host and path when it is elsewhere. Over-long keys are hashed so ids stay within bounds.
 */
export function urlKey(href: string, pageHost: string, keepHash = true): string {
  const url = withoutSessionParams(new URL(href));
  const local = `${url.pathname}${url.search}${keepHash ? url.hash : ''}`;
  const key = siteHost(url) === pageHost ? local : `${siteHost(url)}${local}`;
  return key.length > MAX_KEY_LENGTH ? `u-${stableHash(key)}` : key;
}

/** The URL without its fragment and trailing slash, for "is this the same page" checks. */
export function pageOf(href: string): string {
  const url = new URL(href);
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}

/**
 * The author of a post in the generic id scheme: a profile link on the site keys the member by
 * its path (`generic:<host>:/profile/sam`); without one the display name is a weak key. Returns
 * undefined for UI strings and placeholders, which are never members.
 */
export function genericAuthor(name: string, profileHref: string | null, page: PageContext): ObservedAuthor | undefined {
  const display = fold(name);
  if (!display || display.length > 200 || isUiName(display)) return undefined;
  const scope = page.community.id;
  const profile = profileHref ? absoluteUrl(profileHref, page.url) : null;
  if (profile && isProfileLike(profile, page.url)) {
    const url = withoutSessionParams(new URL(profile));
    url.hash = '';
    const key = urlKey(url.href, siteHost(page.url), false).replace(/(.)\/+$/, '$1');
    return { id: memberId(scope, key), name: display, profileUrl: url.href, isWeak: false };
  }
  return { id: weakMemberId(scope, display), name: display, profileUrl: null, isWeak: true };
}

// A link that only points back at this page ("#", "#post-3") or at the site's home says nothing
// about who the person is.
function isProfileLike(href: string, page: URL): boolean {
  const url = new URL(href);
  if (pageOf(href) === pageOf(page.href)) return false;
  return !(url.pathname === '/' && !url.search);
}

/** What a schema.org item says about itself, whichever syntax it came in. */
interface ItemFacts {
  types: string[];
  authorName: string;
  authorUrl: string | null;
  text: string;
  publishedAt: string | null;
  /** The item's own URL as stated (absolute), or null. */
  url: string | null;
  identifier: string | null;
  /** Element id of a microdata item: `#fragment` of a permalink the page does not state. */
  fragmentId: string | null;
}

/** Where an item sits: opener of the page's thread, opener of another thread, or a post in a thread. */
type Role = 'page-opener' | 'opener' | 'child';

/**
 * The post key of an item: its identifier, else its URL (for replies only a URL that is not
 * just the page itself), else the page URL with its element id as fragment, else a stable hash
 * of author, time and the start of its text.
 */
function itemKey(facts: ItemFacts, role: Role, pageUrl: URL): { key: string; url: string | null } {
  const host = siteHost(pageUrl);
  const url = facts.url ?? (role === 'page-opener' ? pageOf(pageUrl.href) : null);
  const isOwnUrl = url !== null && (role === 'page-opener' || isDistinctPermalink(url, pageUrl));
  if (facts.identifier) {
    const id = facts.identifier.replace(/\s+/g, ' ').trim();
    const key = id.length > MAX_KEY_LENGTH ? `post-h-${stableHash(id)}` : `post-${id}`;
    return { key, url: isOwnUrl ? url : null };
  }
  if (url && isOwnUrl) return { key: urlKey(url, host), url };
  if (facts.fragmentId) {
    const permalink = new URL(pageUrl.href);
    permalink.hash = facts.fragmentId;
    return { key: urlKey(permalink.href, host), url: permalink.href };
  }
  const hashed = `${facts.authorName}\n${facts.publishedAt ?? ''}\n${facts.text.slice(0, 200)}`;
  return { key: `h-${stableHash(hashed)}`, url: null };
}

function isDistinctPermalink(href: string, pageUrl: URL): boolean {
  return new URL(href).hash.length > 1 || pageOf(href) !== pageOf(pageUrl.href);
}

/** Microdata and JSON-LD seen through one lens, so ids and threads follow one set of rules. */
interface ItemReader<T> {
  facts(item: T, page: PageContext): ItemFacts;
  /** The discussion item this one replies to, as the markup nests or references it. */
  parent(item: T): T | undefined;
  /** The first top-level thread opener of the page: the thread the page is about. */
  isPageOpener(item: T): boolean;
}

interface Identified {
  id: string;
  url: string | null;
  facts: ItemFacts;
  /** Does this item open a thread of its own? */
  isThread: boolean;
}

/**
 * Id and role of an item. A top-level DiscussionForumPosting/Question opens its own thread when
 * it is the page's opener or links to a page of its own (a list of threads); a further one with
 * no URL of its own is a post in the page's thread, as in Discourse's 2.x crawler view, where
 * every post of a topic is a flat DiscussionForumPosting.
 */
function identify<T>(item: T, reader: ItemReader<T>, page: PageContext, docUrl: URL): Identified {
  const facts = reader.facts(item, page);
  let role: Role = 'child';
  if (!reader.parent(item) && isOpenerType(facts.types)) {
    if (reader.isPageOpener(item)) role = 'page-opener';
    else if (facts.url && isDistinctPermalink(facts.url, docUrl)) role = 'opener';
  }
  const { key, url } = itemKey(facts, role, docUrl);
  return { id: postId(page.community.id, key), url, facts, isThread: role !== 'child' };
}

/** The observed post for an item: its author, then its place in the thread. */
function observe<T>(item: T, reader: ItemReader<T>, page: PageContext, doc: Document, authorLink?: Element): ObservedPost | undefined {
  const docUrl = canonicalUrl(doc, page.url);
  const own = identify(item, reader, page, docUrl);
  let authorUrl = own.facts.authorUrl;
  // JSON-LD that names an author without a URL, matched to a link with exactly that name.
  if (!authorUrl && authorLink && fold(cleanText(authorLink)).toLowerCase() === fold(own.facts.authorName).toLowerCase()) {
    authorUrl = absoluteUrl(authorLink.getAttribute('href'), page.url);
  }
  const author = genericAuthor(own.facts.authorName, authorUrl, page);
  if (!author) return undefined;

  const parent = reader.parent(item);
  let top = item;
  for (let up = parent; up; up = reader.parent(up)) top = up;
  const opener = top === item ? own : identify(top, reader, page, docUrl);
  const threadId = opener.isThread ? opener.id : pageThreadId(doc, page, docUrl);
  const parentId = parent ? identify(parent, reader, page, docUrl).id : threadId === own.id ? null : threadId;
  return {
    id: own.id,
    communityId: page.community.id,
    threadId,
    parentId,
    kind: parentId === null ? 'post' : parentId === threadId ? 'comment' : 'reply',
    author,
    publishedAt: own.facts.publishedAt,
    url: own.url,
    text: own.facts.text,
  };
}

function lastSegment(type: string): string {
  return type.trim().split(/[/#:]/).pop() ?? '';
}

function isDiscussionType(types: readonly string[]): boolean {
  return types.some((type) => (DISCUSSION_TYPES as readonly string[]).includes(type));
}

function isOpenerType(types: readonly string[]): boolean {
  return types.some((type) => OPENER_TYPES.has(type));
}

/** A text-y value cleaned like readableText does: lines kept, runs of space folded, capped. */
function cleanBlock(text: string): string {
  const cleaned = text
    .split(/\r?\n/)
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
  return cleaned.length > MAX_TEXT_LENGTH ? cleaned.slice(0, MAX_TEXT_LENGTH) : cleaned;
}

/** White space folded and trimmed. */
function fold(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

function readTime(value: string | null | undefined, now: Date): string | null {
  if (!value) return null;
  return parseIsoAttribute(value) ?? parseRelativeTime(value, now);
}

// ---------------------------------------------------------------------------------------------
// Microdata

function itemTypes(el: Element): string[] {
  return (el.getAttribute('itemtype') ?? '').split(/\s+/).filter(Boolean).map(lastSegment);
}

function isMicrodataPost(el: Element): boolean {
  return el.hasAttribute('itemscope') && isDiscussionType(itemTypes(el));
}

/** The nearest enclosing microdata discussion item, if any. */
function microdataParent(el: Element): Element | undefined {
  for (let up = el.parentElement?.closest(MICRODATA_ITEM); up; up = up.parentElement?.closest(MICRODATA_ITEM)) {
    if (isMicrodataPost(up)) return up;
  }
  return undefined;
}

/** The item a property element belongs to (an itemscope element with itemprop belongs above). */
function ownerItem(prop: Element): Element | null {
  return prop.parentElement?.closest('[itemscope]') ?? null;
}

/** Property elements of one item, not of items nested inside it. */
function props(item: Element, name: string): Element[] {
  return Array.from(item.querySelectorAll(`[itemprop~="${name}"]`)).filter((prop) => ownerItem(prop) === item);
}

function propString(prop: Element): string {
  const content = prop.getAttribute('content');
  if (content !== null) return content;
  return cleanText(prop);
}

function propUrl(prop: Element, base: URL): string | null {
  const attr = prop.matches('a, area, link') ? 'href' : prop.matches('img, audio, video, source, iframe, embed') ? 'src' : null;
  const value = (attr && prop.getAttribute(attr)) || prop.getAttribute('content');
  if (value) return absoluteUrl(value, base);
  // Text is a URL only when it says so: "share" must not become <page>/share.
  const text = cleanText(prop);
  return /^https?:\/\//i.test(text) ? absoluteUrl(text, base) : null;
}

function propTime(prop: Element, now: Date): string | null {
  return (
    readTime(prop.getAttribute('datetime'), now) ??
    readTime(prop.getAttribute('content'), now) ??
    parseIsoAttribute(prop.getAttribute('title')) ??
    readTime(cleanText(prop), now)
  );
}

interface MicrodataAuthor {
  name: string;
  url: string | null;
  /** Where the badge goes: the author's name link, else the name element. */
  anchor: Element;
}

/** Name link of an author: a link inside it that has text (avatar links have none). */
function nameLink(el: Element): Element | null {
  if (el.matches('a[href]')) return el;
  return Array.from(el.querySelectorAll('a[href]')).find((a) => cleanText(a) !== '') ?? el.querySelector('a[href]');
}

function microdataAuthors(item: Element, base: URL): MicrodataAuthor[] {
  const found: MicrodataAuthor[] = [];
  for (const prop of [...props(item, 'author'), ...props(item, 'creator')]) {
    const link = nameLink(prop);
    if (prop.hasAttribute('itemscope')) {
      const nameEl = props(prop, 'name')[0];
      const urlEl = props(prop, 'url')[0];
      const name = (nameEl ? propString(nameEl) : '') || cleanText(link) || link?.getAttribute('title') || '';
      const url = (urlEl ? propUrl(urlEl, base) : null) ?? absoluteUrl(link?.getAttribute('href'), base);
      found.push({ name, url, anchor: link ?? nameEl ?? prop });
    } else {
      const name = propString(prop) || prop.getAttribute('title') || '';
      found.push({ name, url: absoluteUrl(link?.getAttribute('href'), base), anchor: link ?? prop });
    }
  }
  // Stack Overflow marks an editor's card as an author too, but without a profile link when the
  // editor is the owner; the linked card is the person who wrote the post.
  const named = found.filter((author) => fold(author.name) !== '');
  return [...named.filter((author) => author.url), ...named.filter((author) => !author.url)];
}

function microdataFacts(item: Element, page: PageContext): ItemFacts {
  const author = microdataAuthors(item, page.url)[0];
  const body = props(item, 'articleBody')[0] ?? props(item, 'text')[0];
  const text = body
    ? body.hasAttribute('content')
      ? cleanBlock(body.getAttribute('content') ?? '')
      : readableText(body, (child) => isMicrodataPost(child))
    : '';
  const dateProp = props(item, 'datePublished')[0] ?? props(item, 'dateCreated')[0];
  const url =
    props(item, 'url')
      .map((prop) => propUrl(prop, page.url))
      .find((href) => href !== null) ??
    absoluteUrl(item.getAttribute('itemid'), page.url);
  const identifierProp = props(item, 'identifier')[0];
  return {
    types: itemTypes(item),
    authorName: author?.name ?? '',
    authorUrl: author?.url ?? null,
    text,
    publishedAt: dateProp ? propTime(dateProp, page.observedAt) : null,
    url,
    identifier: identifierProp ? propString(identifierProp) || null : null,
    fragmentId: item.id || null,
  };
}

/** The first top-level thread opener among the page's microdata items. */
function microdataPageOpener(doc: Document): Element | undefined {
  for (const el of doc.querySelectorAll(MICRODATA_ITEM)) {
    if (isMicrodataPost(el) && isOpenerType(itemTypes(el)) && !microdataParent(el)) return el;
  }
  return undefined;
}

const microdataReader: ItemReader<Element> = {
  facts: microdataFacts,
  parent: microdataParent,
  isPageOpener: (el) => microdataPageOpener(el.ownerDocument) === el,
};

// ---------------------------------------------------------------------------------------------
// JSON-LD

type LdNode = Record<string, unknown>;

interface LdEntry {
  node: LdNode;
  /** The reply edge or parentItem that leads to this entry's parent. */
  parent: LdEntry | undefined;
  script: Element;
  /** Detached stand-in element, the handle when the author has no visible link. */
  placeholder: Element;
}

interface LdIndex {
  signature: string;
  entries: LdEntry[];
}

const ldIndexes = new WeakMap<Document, LdIndex>();
const ldHandles = new WeakMap<Element, LdEntry>();

function isNode(value: unknown): value is LdNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function ldTypes(node: LdNode): string[] {
  return asArray(node['@type'])
    .filter((type): type is string => typeof type === 'string')
    .map(lastSegment);
}

function firstString(value: unknown): string | null {
  for (const item of asArray(value)) {
    if (typeof item === 'string' && item.trim()) return item;
    if (typeof item === 'number') return String(item);
    // PropertyValue {value} (identifier) or a {@id} reference (url).
    if (isNode(item)) {
      const inner = firstString(item['value']) ?? firstString(item['@id']);
      if (inner) return inner;
    }
  }
  return null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Some sites HTML-escape their JSON-LD strings; turn the common entities back into text. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16)) ?? whole;
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10)) ?? whole;
    return ENTITIES[lower] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function jsonLdScripts(doc: Document): Element[] {
  return Array.from(doc.querySelectorAll(JSON_LD));
}

/** Discussion entries of the document's JSON-LD, rebuilt only when a script's text changes. */
function jsonLdIndex(doc: Document): LdIndex {
  const scripts = jsonLdScripts(doc);
  const texts = scripts.map((script) => script.textContent ?? '');
  const signature = texts.join('\u0000');
  const cached = ldIndexes.get(doc);
  if (cached && cached.signature === signature) return cached;

  const entries: LdEntry[] = [];
  const byRef = new Map<string, LdNode>();
  const parsed: Array<{ script: Element; roots: unknown[] }> = [];
  scripts.forEach((script, i) => {
    const text = texts[i] ?? '';
    if (!JSON_LD_HINT.test(text)) return;
    try {
      const roots = asArray(JSON.parse(text) as unknown);
      parsed.push({ script, roots });
      for (const root of roots) collectRefs(root, byRef, 0);
    } catch {
      // Broken JSON-LD is the site's problem; it simply contributes nothing.
    }
  });

  const seen = new Set<LdNode>();
  const entryOf = new Map<LdNode, LdEntry>();
  const visit = (value: unknown, parent: LdEntry | undefined, script: Element, depth: number): void => {
    if (depth > MAX_JSON_LD_DEPTH || entries.length >= MAX_JSON_LD_ITEMS) return;
    for (const item of asArray(value)) {
      const node = resolveRef(item, byRef);
      if (!node) continue;
      if (seen.has(node)) {
        // Listed flat in @graph before the item that nests it: the nesting says whose reply it is.
        const known = entryOf.get(node);
        if (known && parent && !known.parent && !isAncestor(known, parent)) known.parent = parent;
        continue;
      }
      seen.add(node);
      if (isDiscussionType(ldTypes(node))) {
        const entry: LdEntry = { node, parent, script, placeholder: doc.createElement('kehila-json-ld-post') };
        entries.push(entry);
        entryOf.set(node, entry);
        for (const edge of REPLY_EDGES) visit(node[edge], entry, script, depth + 1);
      } else {
        for (const edge of CONTAINER_EDGES) visit(node[edge], parent, script, depth + 1);
      }
    }
  };
  for (const { script, roots } of parsed) visit(roots, undefined, script, 0);

  // Flat @graph comments name their parent with parentItem (an @id reference or the node).
  for (const entry of entries) {
    if (entry.parent) continue;
    const parentNode = resolveRef(asArray(entry.node['parentItem'])[0], byRef);
    const parentEntry = parentNode ? entryOf.get(parentNode) : undefined;
    if (parentEntry && parentEntry !== entry && !isAncestor(entry, parentEntry)) entry.parent = parentEntry;
  }

  const index = { signature, entries };
  ldIndexes.set(doc, index);
  return index;
}

function isAncestor(candidate: LdEntry, of: LdEntry): boolean {
  for (let up: LdEntry | undefined = of; up; up = up.parent) if (up === candidate) return true;
  return false;
}

function collectRefs(value: unknown, byRef: Map<string, LdNode>, depth: number): void {
  if (depth > MAX_JSON_LD_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, byRef, depth + 1);
    return;
  }
  if (!isNode(value)) return;
  const ref = value['@id'];
  // A bare {"@id": …} is a reference, not the node it names.
  if (typeof ref === 'string' && Object.keys(value).length > 1 && !byRef.has(ref)) byRef.set(ref, value);
  for (const key of Object.keys(value)) {
    if (key !== '@context') collectRefs(value[key], byRef, depth + 1);
  }
}

function resolveRef(value: unknown, byRef: Map<string, LdNode>): LdNode | undefined {
  if (typeof value === 'string') return byRef.get(value);
  if (!isNode(value)) return undefined;
  const ref = value['@id'];
  if (typeof ref === 'string' && Object.keys(value).length === 1) return byRef.get(ref);
  return value;
}

function ldAuthor(node: LdNode): { name: string; url: string | null } | undefined {
  const candidates: Array<{ name: string; url: string | null }> = [];
  for (const value of [...asArray(node['author']), ...asArray(node['creator'])]) {
    if (typeof value === 'string') {
      candidates.push({ name: decodeEntities(value), url: null });
    } else if (isNode(value)) {
      const name = firstString(value['name']) ?? firstString(value['alternateName']);
      if (name) candidates.push({ name: decodeEntities(name), url: firstString(value['url']) });
    }
  }
  return candidates.find((author) => author.url) ?? candidates[0];
}

function ldFacts(entry: LdEntry, page: PageContext): ItemFacts {
  const { node } = entry;
  const types = ldTypes(node);
  const author = ldAuthor(node);
  const text = firstString(node['articleBody']) ?? firstString(node['text']) ?? firstString(node['description']) ?? '';
  const date = firstString(node['datePublished']) ?? firstString(node['dateCreated']) ?? firstString(node['uploadDate']);
  const ownUrl = firstString(node['url']) ?? (/^https?:/i.test(String(node['@id'] ?? '')) ? String(node['@id']) : null);
  // For a thread opener, the page that holds its discussion is its URL too.
  const openerUrl = !entry.parent && isOpenerType(types) ? firstString(node['discussionUrl']) ?? firstString(node['mainEntityOfPage']) : null;
  return {
    types,
    authorName: author?.name ?? '',
    authorUrl: author?.url ? absoluteUrl(author.url, page.url) : null,
    text: cleanBlock(decodeEntities(text)),
    publishedAt: readTime(date, page.observedAt),
    url: absoluteUrl(ownUrl ?? openerUrl, page.url),
    identifier: firstString(node['identifier']),
    fragmentId: null,
  };
}

const jsonLdReader = (doc: Document): ItemReader<LdEntry> => ({
  facts: (entry, page) => ldFacts(entry, page),
  parent: (entry) => entry.parent,
  isPageOpener: (entry) => !microdataPageOpener(doc) && firstJsonLdOpener(doc) === entry,
});

function firstJsonLdOpener(doc: Document): LdEntry | undefined {
  return jsonLdIndex(doc).entries.find((entry) => !entry.parent && isOpenerType(ldTypes(entry.node)));
}

/** Normalised link target for matching JSON-LD author URLs to links on the page. */
function linkKey(href: string | null, base: string): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href, base);
    url.hash = '';
    return `${siteHost(url)}${url.pathname.replace(/\/+$/, '')}${url.search}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Match JSON-LD posts to visible author links, in page order: by profile URL (a name link
 * before an avatar link), else by link text equal to the author's name.
 */
function matchAnchors(doc: Document, entries: readonly LdEntry[]): Map<LdEntry, Element> {
  const base = doc.baseURI || doc.URL;
  const byUrl = new Map<string, Element[]>();
  const byName = new Map<string, Element[]>();
  const add = (map: Map<string, Element[]>, key: string, link: Element) => {
    const list = map.get(key);
    if (list) list.push(link);
    else map.set(key, [link]);
  };
  for (const link of doc.querySelectorAll('body a[href]')) {
    const key = linkKey(link.getAttribute('href'), base);
    if (key) add(byUrl, key, link);
    const text = cleanText(link).toLowerCase();
    if (text) add(byName, text, link);
  }
  const used = new Set<Element>();
  const matched = new Map<LdEntry, Element>();
  for (const entry of entries) {
    const author = ldAuthor(entry.node);
    if (!author) continue;
    const name = fold(decodeEntities(author.name)).toLowerCase();
    const free = (links: Element[] | undefined) => (links ?? []).filter((link) => !used.has(link));
    const byLink = free(byUrl.get(linkKey(author.url, base) ?? ''));
    const pick =
      byLink.find((link) => cleanText(link).toLowerCase() === name) ??
      byLink.find((link) => cleanText(link) !== '') ??
      (name.length > 1 ? free(byName.get(name))[0] : undefined);
    if (pick) {
      used.add(pick);
      matched.set(entry, pick);
    }
  }
  return matched;
}

/** Post handles of the JSON-LD posts inside `root` (see the file comment). */
function jsonLdHandles(root: ParentNode, doc: Document): Element[] {
  const { entries } = jsonLdIndex(doc);
  if (entries.length === 0) return [];
  const anchors = matchAnchors(doc, entries);
  const rootNode = root as Node;
  const handles: Element[] = [];
  for (const entry of entries) {
    const anchor = anchors.get(entry);
    // A page that marks the same post up both ways: the microdata element already stands for it.
    if (anchor && microdataParentOrSelf(anchor)) continue;
    const handle = anchor ?? entry.placeholder;
    const inRoot = anchor
      ? rootNode === anchor || rootNode.contains(anchor)
      : rootNode === doc || rootNode === entry.script || rootNode.contains(entry.script);
    if (!inRoot) continue;
    ldHandles.set(handle, entry);
    handles.push(handle);
  }
  return handles;
}

function microdataParentOrSelf(el: Element): Element | undefined {
  return isMicrodataPost(el) ? el : microdataParent(el);
}

function documentOf(root: ParentNode): Document {
  return root.nodeType === 9 ? (root as Document) : ((root as Node).ownerDocument as Document);
}

/**
 * The thread of replies whose opener is not among the marked-up items: the page's first
 * top-level opener (microdata, else JSON-LD), else the page itself keyed by its canonical URL.
 */
function pageThreadId(doc: Document, page: PageContext, docUrl: URL): string {
  const opener = microdataPageOpener(doc);
  if (opener) return identify(opener, microdataReader, page, docUrl).id;
  const entry = firstJsonLdOpener(doc);
  if (entry) return identify(entry, jsonLdReader(doc), page, docUrl).id;
  return postId(page.community.id, urlKey(pageOf(docUrl.href), siteHost(page.url)));
}

function findPosts(root: ParentNode): Element[] {
  const microdata = queryAllWithSelf(root, MICRODATA_ITEM).filter(isMicrodataPost);
  return [...microdata, ...jsonLdHandles(root, documentOf(root))];
}

function parsePost(el: Element, page: PageContext): ObservedPost | undefined {
  const doc = el.ownerDocument;
  let entry = ldHandles.get(el);
  if (!entry && !isMicrodataPost(el)) {
    // A handle from an earlier pass of another caller: rebuild the handles and look again.
    jsonLdHandles(doc, doc);
    entry = ldHandles.get(el);
  }
  if (entry) return observe(entry, jsonLdReader(doc), page, doc, entry.placeholder === el ? undefined : el);
  return isMicrodataPost(el) ? observe(el, microdataReader, page, doc) : undefined;
}

function badgeAnchor(el: Element): Element | undefined {
  const entry = ldHandles.get(el);
  if (entry) return entry.placeholder === el ? undefined : el;
  if (!isMicrodataPost(el)) return undefined;
  return microdataAuthors(el, new URL(el.ownerDocument.baseURI || el.ownerDocument.URL))[0]?.anchor;
}

function hasJsonLdDiscussion(doc: Document): boolean {
  return jsonLdIndex(doc).entries.some((entry) => ldAuthor(entry.node) !== undefined);
}

export const generic: SiteAdapter = {
  id: 'generic',
  matches: [],
  detect: (doc) => doc.querySelector(MICRODATA_WITH_AUTHOR) !== null || hasJsonLdDiscussion(doc),
  community: (doc, url) => genericCommunity(doc, url),
  findPosts,
  parsePost,
  badgeAnchor,
  // schema.org says nothing about reply boxes; only an editor inside the post itself is its own.
  replyBox: (el) =>
    isMicrodataPost(el)
      ? ((el.querySelector('textarea, [contenteditable="true"]') as HTMLElement | null) ?? undefined)
      : undefined,
};

/*
 * Test URLs
 * - Forum thread with DiscussionForumPosting + Comment microdata (Discourse crawler view 3.x, when
 *   the Discourse adapter is not there): https://meta.discourse.org/t/<slug>/<id> without JavaScript
 * - Q&A with Question/Answer microdata: https://stackoverflow.com/questions/38243530/custom-exception-in-scala
 * - JSON-LD DiscussionForumPosting opener (Vanilla Forums): https://community.scope.org.uk/discussion/57774/copd
 * - JSON-LD with @graph and nested comment arrays: forums following Google's discussion-forum
 *   structured-data guide (https://developers.google.com/search/docs/appearance/structured-data/discussion-forum)
 */
