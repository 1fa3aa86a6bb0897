import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';

/** What an adapter knows about the page it is reading, computed once per page (or SPA route). */
export interface PageContext {
  readonly url: URL;
  readonly community: ObservedCommunity;
  /** When the observation happens: relative times ("3 h") resolve against it. */
  readonly observedAt: Date;
}

/**
 * A site adapter: pure functions over a DOM (STYLE.md "Site adapter shape").
 * No messaging, no React, no DB. Absent things are `undefined`; a structure that contradicts
 * what the adapter knows of the site throws `AdapterError`, which the runtime records as
 * "adapter needs attention" for that site.
 */
export interface SiteAdapter {
  /** Also the file name under lib/adapters/. */
  readonly id: string;
  /**
   * Host match patterns for sites built into the manifest. Empty for forum software that runs
   * on any domain: those are recognised by `detect` once the user tracks the site.
   */
  readonly matches: readonly string[];
  /** Is this page one of ours? Fingerprint the DOM; do not trust the host alone. */
  detect(doc: Document, url: URL): boolean;
  /** The community this page belongs to, or undefined for pages that are not a community. */
  community(doc: Document, url: URL): ObservedCommunity | undefined;
  /**
   * The kind of page when it is one that must show posts ('topic', 'group-feed', …), else
   * undefined. A page of such a kind that yields no posts means the site changed its layout.
   */
  pageKind?(doc: Document, url: URL): string | undefined;
  /** Post/comment elements in `root`, including `root` itself when it is one. */
  findPosts(root: ParentNode): Element[];
  parsePost(el: Element, page: PageContext): ObservedPost | undefined;
  /** The element the badge goes right after (usually the author's name link). */
  badgeAnchor(el: Element): Element | undefined;
  /** The site's own reply box for this post, when one is on the page. */
  replyBox(el: Element): HTMLElement | undefined;
  /**
   * Saved pages only (the extract CLI, the corpus tests; never the content runtime): do to the
   * DOM what the site's own scripts do before a person sees the page, e.g. Facebook unpacking
   * posts it ships inside `<code><!-- … --></code>` blocks.
   */
  prepareSavedPage?(doc: Document): void;
}

export class AdapterError extends Error {
  override name = 'AdapterError';
}
