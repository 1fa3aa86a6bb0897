/**
 * Who wrote a Facebook post or comment, and the member key that person gets: the numeric user
 * or page id whenever the page shows it in any form (link, avatar, hovercard, m.'s
 * `feed_story_ring<id>`, `data-ft`), else the username, else (m. comments only) the name.
 */
import { memberId, weakMemberId } from '@/lib/model/ids';
import type { ObservedAuthor } from '@/lib/model/observed';
import { cleanText, closestWithin, expectElement } from './dom';
import {
  CANONICAL_ORIGIN,
  idField,
  idFromHovercard,
  idFromRingSigil,
  jsonAttribute,
  numericId,
  profileFromHref,
  type ProfileRef,
} from './facebook-links';
import { bodyOf, CLASSIC_STORY, MOBILE_COMMENT, MOBILE_STORY, ownedFirst, ownLinks, permalinksOf } from './facebook-structure';

const PLATFORM = 'facebook';

// Name links by variant; Comet and UFI2 comments fall through to the first profile link with text.
const MOBILE_STORY_NAME = ['header h3 a', 'h3 a', 'header h3 strong'] as const; // "<a>Name</a> shared a post."
const CLASSIC_STORY_NAME = ['h5 a[data-hovercard]', 'h5 a', 'h6 a'] as const;
const HEADING = 'h1, h2, h3, h4, h5, h6, [role="heading"]';

// Names that are Facebook's UI, not a person (English, Hebrew, Arabic): never a member.
const UI_STRINGS = new Set([
  'like', 'reply', 'comment', 'share', 'see more', 'more', 'follow', 'join', 'sponsored', 'facebook',
  'facebook user', 'anonymous participant', 'anonymous member', 'group member', 'admin', 'author',
  'אהבתי', 'הגב', 'תגובה', 'שתף', 'ראה עוד', 'משתתף אנונימי', 'חבר קבוצה', 'משתמש פייסבוק', 'ממומן',
  'أعجبني', 'رد', 'تعليق', 'مشاركة', 'عرض المزيد', 'مشارك مجهول الهوية', 'عضو مجهول', 'مستخدم فيسبوك', 'ممول',
]);

export interface AuthorRef {
  /** The name link (or, logged out on m., the name element): the badge goes after it. */
  anchor: Element;
  name: string;
  /** Numeric user or page id, when the page shows one. */
  id?: string;
  vanity?: string;
}

/** The author of a post or comment; undefined for skeletons, deleted, anonymous and UI-only names. */
export function authorOf(item: Element, base: URL, body = bodyOf(item)): AuthorRef | undefined {
  const found = item.matches(MOBILE_COMMENT)
    ? mobileCommentAuthor(item, body, base)
    : item.matches(MOBILE_STORY)
      ? headerAuthor(item, MOBILE_STORY_NAME, base)
      : isClassicStory(item)
        ? headerAuthor(item, CLASSIC_STORY_NAME, base)
        : undefined;
  const author = found ?? firstProfileLink(item, body, base);
  if (!author || UI_STRINGS.has(author.name.toLowerCase())) return undefined;
  return author;
}

function isClassicStory(item: Element): boolean {
  return item.matches(CLASSIC_STORY) || ownedFirst(item, ['.userContentWrapper']) !== undefined;
}

/** m. comments: the name sits right before the body, linked only when the viewer is logged in. */
function mobileCommentAuthor(item: Element, body: Element | undefined, base: URL): AuthorRef | undefined {
  const nameEl = expectElement(body, 'a comment body [data-sigil~="comment-body"]', item).previousElementSibling;
  if (!nameEl) return undefined;
  const anchor = nameEl.querySelector('a') ?? nameEl;
  const name = cleanText(anchor);
  if (!name) return undefined;
  const ring = idFromRingSigil(ownedFirst(item, ['[data-sigil*="feed_story_ring"]'])?.getAttribute('data-sigil'));
  return { anchor, name, ...mergeIds(profileFromHref(anchor.getAttribute('href'), base), ring) };
}

/** m. and classic stories: the first name in the header ("<Name> shared a post."). */
function headerAuthor(item: Element, selectors: readonly string[], base: URL): AuthorRef | undefined {
  const anchor = ownedFirst(item, selectors);
  const name = cleanText(anchor);
  if (!anchor || !name) return undefined;
  const ft = jsonAttribute(item, 'data-ft');
  const ring = idFromRingSigil(ownedFirst(item, ['[data-sigil*="feed_story_ring"]'])?.getAttribute('data-sigil'));
  const numeric =
    idFromHovercard(anchor.getAttribute('data-hovercard')) ?? ring ?? idField(ft, 'content_owner_id_new') ?? classicOwnerId(item, base);
  return { anchor, name, ...mergeIds(profileFromHref(anchor.getAttribute('href'), base), numeric) };
}

/**
 * Classic www names the story's owner in `id="feed_subtitle_…;<owner id>;<post id>;…"`; the
 * position of the fields moved between versions, but the owner always comes right before the post.
 */
function classicOwnerId(item: Element, base: URL): string | undefined {
  const subtitle = ownedFirst(item, ['[id^="feed_subtitle_"]']);
  let post: string | undefined;
  for (const found of permalinksOf(item, base)) {
    if (found.strength !== 'permalink') continue;
    post = found.id;
    break;
  }
  if (!subtitle || !post) return undefined;
  const fields = subtitle.id.slice('feed_subtitle_'.length).split(';');
  const at = fields.indexOf(post);
  const owner = at > 0 ? fields[at - 1] : undefined;
  return numericId(owner);
}

/**
 * Comet and UFI2: the first link to a profile that shows a name, looked for first in what the
 * article says labels it (`aria-labelledby`: the header with the author's name), then in
 * headings, then anywhere: a line such as "<friend> commented on this." may come before the
 * header. Avatar links have no text and their ids are not borrowed, since nothing proves they
 * show the same person.
 */
function firstProfileLink(item: Element, body: Element | undefined, base: URL): AuthorRef | undefined {
  const links = ownLinks(item).filter((anchor) => !body?.contains(anchor));
  const labels = (item.getAttribute('aria-labelledby') ?? '')
    .split(/\s+/)
    .map((id) => (id ? item.ownerDocument.getElementById(id) : null))
    .filter((label): label is HTMLElement => label !== null && item.contains(label));
  // Tier by tier, each built only when the one before found nothing (the first usually does).
  const tiers = [
    () => links.filter((anchor) => labels.some((label) => label.contains(anchor))),
    () => {
      // Comments have no headings: one query spares a walk up from each of their links.
      if (!item.matches(HEADING) && item.querySelector(HEADING) === null) return [];
      const inHeadings = links.filter((anchor) => closestWithin(anchor, HEADING, item));
      // An item inside a heading has every link in one. Asked only when it matters: the walk
      // up to the document's root is the longest question here, and comments have no headings.
      return inHeadings.length && item.parentElement?.closest(HEADING) ? links : inHeadings;
    },
    () => links,
  ];
  for (const tier of tiers) {
    for (const anchor of tier()) {
      const profile = profileFromHref(anchor.getAttribute('href'), base);
      const name = cleanText(anchor);
      if (profile && name) return { anchor, name, ...mergeIds(profile, idFromHovercard(anchor.getAttribute('data-hovercard'))) };
    }
  }
  return undefined;
}

function mergeIds(profile: ProfileRef | undefined, numeric: string | undefined): ProfileRef {
  return { id: profile?.id ?? numeric, vanity: profile?.vanity };
}

/** Member key: numeric id, else username (lowercased), else the name, marked weak. */
export function observedAuthor(author: AuthorRef): ObservedAuthor {
  const key = author.id ?? author.vanity?.toLowerCase();
  const name = author.name.slice(0, 200);
  return {
    id: key ? memberId(PLATFORM, key) : weakMemberId(PLATFORM, name),
    name,
    profileUrl: author.vanity
      ? `${CANONICAL_ORIGIN}/${encodeURIComponent(author.vanity)}`
      : author.id
        ? `${CANONICAL_ORIGIN}/profile.php?id=${author.id}`
        : null,
    isWeak: !key,
  };
}

