/**
 * The shape of Facebook's pages, shared by the adapter's readers: which elements are posts and
 * comments, which item owns a node (comments nest inside their post's article, so a post's
 * readers must not wander into its comments), and what kind an item is.
 */
import type { PostKind } from '@/lib/model/observed';
import {
  CANONICAL_ORIGIN,
  commentFromHref,
  postIdFromHref,
  profileFromHref,
  type CommentRef,
  type PostIdStrength,
} from './facebook-links';
import { closestWithin, isElement, queryAllWithSelf, stringMemo, taskMemo } from './dom';

/** Post and comment elements, every layout (itemsIn keeps those that are items of their own). */
export const ITEM = [
  '[data-sigil~="story-div"]', // m.: a story (feed <article>, or the <div> of a permalink page)
  '[data-sigil~="comment"]', // m.: a comment; inline replies ("comment inline-reply") nest inside it
  '[role="article"]', // Comet: posts and comments; classic www: feed stories and UFI2 comments
  '[role="feed"] [aria-posinset]', // Comet A/B variant: the feed unit is the post, with no article
  '.userContentWrapper', // classic www: a story outside any article (logged-out permalink, 2020)
].join(',');

// Items that own what is inside them. Feed units and classic wrappers are containers only when
// no article sits between them and the node.
export const OWNER = '[role="article"], [data-sigil~="story-div"], [data-sigil~="comment"]';
export const FEED_UNIT = '[role="feed"] [aria-posinset]';
export const MOBILE_STORY = '[data-sigil~="story-div"]';
export const MOBILE_COMMENT = '[data-sigil~="comment"]';
export const CLASSIC_STORY = '[data-testid="fbfeed_story"], .userContentWrapper';

// Where the author's words are, by layout, best first.
const MOBILE_COMMENT_BODY = ['[data-sigil~="comment-body"]'] as const;
const MOBILE_STORY_BODY = ['[data-ft*=\'"tn":"*s"\']'] as const; // the story's text block
const WWW_BODY = [
  '[data-ad-preview="message"]', // Comet post text
  '[data-ad-comet-preview="message"]', // Comet post text, other A/B variant
  '[data-testid="post_message"]', // classic www 2018–2020
  '.userContent', // classic www 2017 (a semantic class, the only hook of that version)
] as const;
const ANY_BODY = [...MOBILE_COMMENT_BODY, ...MOBILE_STORY_BODY, ...WWW_BODY].join(',');

// ---------------------------------------------------------------------------------------------
// Ownership

/** Does `node` belong to `item` itself rather than to an item nested in it? */
export function isOwnedBy(node: Element, item: Element): boolean {
  if (!hasNestedItems(item)) return item.contains(node);
  const owner = node.closest(OWNER);
  if (item.matches(OWNER)) return owner === item;
  return owner === null || !item.contains(owner);
}

/**
 * Whether any item nests inside `item`. Most items (every comment without replies) hold none,
 * and then all that is inside one is its own, with no walk up from each node to ask.
 */
function hasNestedItems(item: Element): boolean {
  return nestedMemo(item, () => item.querySelector(OWNER) !== null);
}
const nestedMemo = taskMemo<Element, boolean>();

/** Elements matching a selector that few elements match, belonging to `item` itself. */
export function owned(item: Element, selector: string): Element[] {
  const found = item.querySelectorAll(selector);
  const own: Element[] = [];
  if (found.length === 0) return own;
  // Indexing the NodeList, not Array.from and filter: every item asks this several times.
  const nested = hasNestedItems(item);
  for (let i = 0; i < found.length; i += 1) {
    const node = found[i]!;
    if (!nested || isOwnedBy(node, item)) own.push(node);
  }
  return own;
}

/** The first own element matching the earliest selector that matches at all. */
export function ownedFirst(item: Element, selectors: readonly string[]): Element | undefined {
  // One query says whether any of them is there at all: usually none is (the other layouts').
  if (selectors.length > 1 && item.querySelector(joined(selectors)) === null) return undefined;
  const nested = hasNestedItems(item);
  for (const selector of selectors) {
    if (!nested) {
      const node = item.querySelector(selector);
      if (node) return node;
      continue;
    }
    for (const node of Array.from(item.querySelectorAll(selector))) if (isOwnedBy(node, item)) return node;
  }
  return undefined;
}

const joinedSelectors = new WeakMap<readonly string[], string>();
function joined(selectors: readonly string[]): string {
  let selector = joinedSelectors.get(selectors);
  if (selector === undefined) joinedSelectors.set(selectors, (selector = selectors.join(',')));
  return selector;
}

const ownLinksMemo = taskMemo<Element, readonly Element[]>();

/**
 * The item's own links (`a[href]`, not those of items nested in it), in document order. A post's
 * author, its permalink, its comment link and its comments' thread all read them: one query
 * per item per task serves them all (faster in Chromium than walking the item in script, even
 * though the query also meets the links of nested comments and sets them aside).
 */
export function ownLinks(item: Element): readonly Element[] {
  return ownLinksMemo(item, () => owned(item, 'a[href]'));
}

/** The address hrefs resolve against when no PageContext is at hand (badgeAnchor, replyBox). */
export function baseOf(el: Element): URL {
  return documentUrls(el.ownerDocument.URL);
}
// Shared, so never mutated: every caller only resolves hrefs against it.
const documentUrls = stringMemo((address: string): URL => {
  try {
    return new URL(address);
  } catch {
    return new URL(CANONICAL_ORIGIN);
  }
}, 8);

/**
 * A feed unit is a post of its own only when it shows an author outside any article; otherwise
 * it is the shell around the post's article (or a loading skeleton).
 */
function isPostUnit(unit: Element): boolean {
  return postUnitMemo(unit, () => {
    const base = baseOf(unit);
    return ownLinks(unit).some((link) => profileFromHref(link.getAttribute('href'), base) !== undefined);
  });
}
const postUnitMemo = taskMemo<Element, boolean>();

/** Sidebars: teasers and suggestions, not the conversation. */
const COMPLEMENTARY = '[role="complementary"]';

/** The posts and comments in `root` (and `root` itself when it is one), in document order. */
export function itemsIn(root: ParentNode): Element[] {
  const found = queryAllWithSelf(root, ITEM);
  if (found.length === 0) return found;
  // Whether any of them sits in a sidebar, asked once for the lot rather than walking up from each.
  if (isElement(root) && root.closest(COMPLEMENTARY)) return [];
  const inSidebar = root.querySelector(COMPLEMENTARY) !== null ? (el: Element) => el.closest(COMPLEMENTARY) !== null : () => false;
  return found.filter((el) => !inSidebar(el) && isOwnItem(el));
}

function isOwnItem(el: Element): boolean {
  if (el.matches(OWNER)) return true;
  if (el.matches(FEED_UNIT)) return isPostUnit(el);
  // A classic wrapper inside a feed story is that story's body, not a second story.
  return el.parentElement?.closest(OWNER) == null;
}

// ---------------------------------------------------------------------------------------------
// Kinds

export interface ItemRole {
  kind: PostKind;
  /** The item of the post this comment is on, when it is on the page. */
  postItem?: Element;
  /** The comment this reply answers, when it is on the page. */
  parentItem?: Element;
}

/**
 * Post, comment or reply, from the nesting alone: a comment sits inside its post (or, once
 * m.'s BigPipe blocks are unpacked, beside it), a reply inside its comment. Comet replies that
 * sit beside their comment are told apart later by their link's `reply_comment_id`.
 */
export function roleOf(el: Element): ItemRole {
  return rolesMemo(el, () => readRole(el));
}
// Every comment asks for its post's role as well as its own.
const rolesMemo = taskMemo<Element, ItemRole>();

function readRole(el: Element): ItemRole {
  if (el.matches(MOBILE_COMMENT)) {
    const parentItem = el.parentElement?.closest(MOBILE_COMMENT) ?? undefined;
    const postItem = el.closest(MOBILE_STORY) ?? undefined;
    return { kind: parentItem ? 'reply' : 'comment', postItem, parentItem };
  }
  if (el.matches(MOBILE_STORY) || !el.matches(OWNER)) return { kind: 'post' };
  const outer = enclosingItem(el);
  if (outer) {
    const outerRole = roleOf(outer);
    return outerRole.kind === 'post'
      ? { kind: 'comment', postItem: outer }
      : { kind: 'reply', postItem: outerRole.postItem, parentItem: outer };
  }
  // A post dialog or permalink view whose post is no article: its comments still link to themselves.
  return ownCommentLink(el, baseOf(el)) ? { kind: 'comment' } : { kind: 'post' };
}

function enclosingItem(el: Element): Element | undefined {
  const owner = el.parentElement?.closest(OWNER);
  if (owner) return owner;
  const unit = el.parentElement?.closest(FEED_UNIT);
  return unit && isPostUnit(unit) ? unit : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parts of an item

/**
 * The link that names a comment: its time link (`?comment_id=`). Classic UFI2 also puts
 * `comment_id` on the author's profile link, so a link that names the post wins.
 */
export function ownCommentLink(item: Element, base: URL): { link: Element; ref: CommentRef } | undefined {
  let fallback: { link: Element; ref: CommentRef } | undefined;
  for (const link of ownLinks(item)) {
    if (!link.getAttribute('href')?.includes('comment_id')) continue;
    const ref = commentFromHref(link.getAttribute('href'), base);
    if (!ref) continue;
    if (ref.postId || !profileFromHref(link.getAttribute('href'), base)) return { link, ref };
    fallback ??= { link, ref };
  }
  return fallback;
}

/** The element holding the author's words, if the layout has one. */
export function bodyOf(item: Element): Element | undefined {
  if (item.matches(MOBILE_COMMENT)) return ownedFirst(item, MOBILE_COMMENT_BODY);
  if (item.matches(MOBILE_STORY)) return ownedFirst(item, MOBILE_STORY_BODY);
  return ownedFirst(item, WWW_BODY);
}

/** Is `el` inside the author's words of `item` (where links and times are the author's, not the item's)? */
function isInBody(el: Element, item: Element): boolean {
  return closestWithin(el, ANY_BODY, item) !== null;
}

/** m. prints an item's time in its first abbr outside the text (Comet, in the permalink's text). */
export function timeAbbr(item: Element): Element | undefined {
  for (const abbr of Array.from(item.querySelectorAll('abbr'))) {
    if (isOwnedBy(abbr, item) && !isInBody(abbr, item)) return abbr;
  }
  return undefined;
}

/** A link that names a post, and how sure it is (see postIdFromHref). */
export interface Permalink {
  id: string;
  strength: PostIdStrength;
  link: Element;
}

/** Links of the item (outside its text) that name a post, in document order. */
export function* permalinksOf(item: Element, base: URL): Generator<Permalink> {
  for (const link of ownLinks(item)) {
    const href = link.getAttribute('href');
    if (href?.includes('comment_id=')) continue;
    const ref = postIdFromHref(href, base);
    if (ref && !isInBody(link, item)) yield { ...ref, link };
  }
}
