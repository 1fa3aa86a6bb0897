import { z } from 'zod/mini';
import { MAX_TEXT_LENGTH } from './limits';

export { MAX_TEXT_LENGTH };

/**
 * What a site adapter reads off a page. These schemas are the single source of truth for the
 * shapes that cross from a content script to the background, so they live here, free of any
 * browser or DB import, and both sides (and the extract CLI) use them.
 */

export const PLATFORMS = [
  'facebook',
  'reddit',
  'hackernews',
  'discourse',
  'phpbb',
  'xenforo',
  'vbulletin',
  'generic',
] as const;
export const Platform = z.enum(PLATFORMS);
export type Platform = z.infer<typeof Platform>;

/** Every id Kehila stores: a non-empty string of bounded length. */
export const EntityId = z.string().check(z.minLength(1), z.maxLength(512));
const id = EntityId;
/** A web address: anything else (javascript:, data:) could run if a page rendered it as a link. */
export const WebUrl = z.string().check(
  z.maxLength(2048),
  z.refine((value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'https:' || protocol === 'http:';
    } catch {
      return false;
    }
  }, 'Expected an http(s) address'),
);
const webUrl = WebUrl;

export const ObservedAuthor = z.object({
  id,
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  profileUrl: z.nullable(webUrl),
  /** The key is only a display name: two people may share it. */
  isWeak: z._default(z.boolean(), false),
});
export type ObservedAuthor = z.infer<typeof ObservedAuthor>;

export const ObservedCommunity = z.object({
  id,
  platform: Platform,
  name: z.string().check(z.minLength(1), z.maxLength(300)),
  url: webUrl,
});
export type ObservedCommunity = z.infer<typeof ObservedCommunity>;

export const PostKind = z.enum(['post', 'comment', 'reply']);
export type PostKind = z.infer<typeof PostKind>;

export const ObservedPost = z.object({
  id,
  communityId: id,
  threadId: id,
  parentId: z.nullable(id),
  kind: PostKind,
  author: ObservedAuthor,
  /** ISO 8601, as the page states it; null when the page gives no usable time. */
  publishedAt: z.nullable(z.iso.datetime({ offset: true })),
  url: z.nullable(webUrl),
  text: z.string().check(z.maxLength(MAX_TEXT_LENGTH)),
});
export type ObservedPost = z.infer<typeof ObservedPost>;
