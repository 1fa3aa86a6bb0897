/**
 * Small DOM readers shared by the site adapters. They work on any standards DOM (the page
 * itself, jsdom or linkedom in the extract CLI), so they use no layout APIs such as innerText.
 */
import { MAX_TEXT_LENGTH } from '@/lib/model/limits';
import { AdapterError } from './types';

/** `root.querySelectorAll(selector)`, plus `root` itself when it matches. */
export function queryAllWithSelf(root: ParentNode, selector: string): Element[] {
  const found = Array.from(root.querySelectorAll(selector));
  if (isElement(root) && root.matches(selector)) found.unshift(root);
  return found;
}

export function isElement(node: unknown): node is Element {
  return typeof node === 'object' && node !== null && (node as Node).nodeType === 1;
}

/**
 * `el.closest(selector)`, for an `el` inside `within`, when the match is `within` or inside it;
 * else null. The walk stops at `within` rather than climbing to the document's root, where a
 * miss (most calls) would otherwise end.
 */
export function closestWithin(el: Element, selector: string, within: Element): Element | null {
  for (let node: Element | null = el; node; node = node.parentElement) {
    if (node.matches(selector)) return node;
    if (node === within) return null;
  }
  return null;
}

/** First element matching any of the selectors, tried in order. */
export function queryFirst(root: ParentNode, selectors: readonly string[]): Element | undefined {
  for (const selector of selectors) {
    const el = root.querySelector(selector);
    if (el) return el;
  }
  return undefined;
}

// Local names, as HTML and SVG elements have them in every DOM (lower case).
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption',
  'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'ol', 'p', 'pre',
  'section', 'table', 'td', 'th', 'tr', 'ul',
]);
const SKIPPED_TAGS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'button']);
/** Marks a line break while the text is gathered; HTML text cannot hold it (the parser replaces U+0000). */
const BREAK = '\u0000';

/**
 * Readable text of an element: block elements become line breaks, runs of white space fold,
 * scripts and our own badges are skipped, and the result is capped at MAX_TEXT_LENGTH.
 */
export function readableText(el: Element, skip?: (el: Element) => boolean): string {
  const parts: string[] = [];
  gatherText(el, false, parts, skip);
  // Line breaks in the HTML source are spaces on screen (except inside <pre>); only block
  // elements and <br> break lines. White space is folded once, over the whole text; then each
  // run of breaks (with the spaces around them) becomes one line break, so no line is empty
  // or starts or ends with a space.
  const text = parts.join('').replace(/\s+/g, ' ').replace(LINE_BREAKS, '\n').trim();
  return text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
}
const LINE_BREAKS = new RegExp(` ?${BREAK}[${BREAK} ]*`, 'g');

function gatherText(node: Node, inPre: boolean, parts: string[], skip: ((el: Element) => boolean) | undefined): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) {
      const value = child.nodeValue ?? '';
      parts.push(inPre ? value.replace(/\r?\n/g, BREAK) : value);
    } else if (isElement(child)) {
      const tag = child.localName.toLowerCase();
      if (SKIPPED_TAGS.has(tag) || child.hasAttribute('data-kehila-member') || skip?.(child)) continue;
      if (tag === 'img') {
        const alt = child.getAttribute('alt');
        if (alt) parts.push(alt);
        continue;
      }
      const isBlock = BLOCK_TAGS.has(tag);
      if (isBlock) parts.push(BREAK);
      gatherText(child, inPre || tag === 'pre', parts, skip);
      if (isBlock) parts.push(BREAK);
    }
  }
}

/** Trimmed, white-space-folded text content; '' when absent. */
export function cleanText(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Absolute URL of an href relative to the page, or null when it is not a web URL. */
export function absoluteUrl(href: string | null | undefined, base: URL): string | null {
  if (!href) return null;
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** ISO string of a date, or null when it is not a real date. */
export function toIso(date: Date | number | null | undefined): string | null {
  if (date === null || date === undefined) return null;
  const d = typeof date === 'number' ? new Date(date) : date;
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Parse a machine-readable date attribute (`datetime`, ISO `title`); null when unusable. */
export function parseIsoAttribute(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  // Only full dates with a time: "2016" or "June" would parse to something misleading.
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(trimmed)) return null;
  // A date-time without an offset is read as UTC, so the result does not depend on where
  // the extract CLI runs.
  const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed : `${trimmed.replace(' ', 'T')}Z`;
  return toIso(new Date(withZone.replace(' ', 'T')));
}

/** Throw the "needs attention" error the runtime records (RGH `assertNodeContent`). */
export function expectElement<T extends Element>(el: T | null | undefined, what: string, where: Element): T {
  if (!el) {
    const id = where.id ? `#${where.id}` : '';
    throw new AdapterError(`Expected ${what} in <${where.tagName.toLowerCase()}${id}>, found none`);
  }
  return el;
}

/** The document's canonical URL when it states one, else the given one. */
export function canonicalUrl(doc: Document, fallback: URL): URL {
  const href = doc.querySelector('link[rel="canonical"]')?.getAttribute('href');
  if (href) {
    try {
      return new URL(href, fallback);
    } catch {
      // A broken canonical link says nothing; keep the page's own URL.
    }
  }
  return fallback;
}

/** A positive numeric id attribute (`data-user-id="0"` means a guest, not user 0). */
export function positiveId(value: string | null | undefined): string | undefined {
  return value && /^\d+$/.test(value) && Number(value) > 0 ? value : undefined;
}

/** The URL relative links resolve against: the page's <base> (old forums print one), else the page URL. */
export function documentBase(doc: Document, fallback: URL): URL {
  try {
    const base = new URL(doc.baseURI);
    if (base.protocol === 'http:' || base.protocol === 'https:') return base;
  } catch {
    // An unusable baseURI (about:blank in a detached document): the page URL will do.
  }
  return fallback;
}

/**
 * Drop query parameters that identify a visit (forum session ids such as phpBB's `sid`, vB's
 * `s`), so a person or a post keeps one URL. By hand, not URLSearchParams: that would turn a
 * bare "?145403-Slug" into "?145403-Slug=".
 */
export function withoutParams(href: string | null, names: readonly string[]): string | null {
  if (!href) return null;
  try {
    const url = new URL(href);
    const params = url.search.replace(/^\?/, '').split('&').filter((param) => param && !names.includes(param.split('=')[0]!.toLowerCase()));
    url.search = params.length ? `?${params.join('&')}` : '';
    return url.href;
  } catch {
    return null;
  }
}

/**
 * A memo for one synchronous read of the page: several readers of one post ask the same
 * question of the same element (its author, its own links, the post a comment is on), so the
 * first answer is kept, and the whole memo is forgotten at the next microtask. Nothing can
 * change the page between two lines of one task except our own code, but the site's scripts
 * may re-render it before the next, so nothing outlives the task that computed it.
 */
export function taskMemo<K extends object, V>(): (key: K, compute: () => V) => V {
  let memo: WeakMap<K, V> | undefined;
  return (key, compute) => {
    if (!memo) {
      memo = new WeakMap();
      queueMicrotask(() => {
        memo = undefined;
      });
    }
    if (memo.has(key)) return memo.get(key) as V;
    const value = compute();
    memo.set(key, value);
    return value;
  };
}

/**
 * A bounded memo for a pure function of a string (a link's href, a time's text): pages repeat
 * the same few hundred values, each parsed by several readers. Emptied when full, which keeps
 * it O(1) and small; a value must never be mutated by its callers (they get the same object).
 */
export function stringMemo<V>(compute: (key: string) => V, limit = 4000): (key: string) => V {
  const memo = new Map<string, V>();
  return (key) => {
    const known = memo.get(key);
    if (known !== undefined || memo.has(key)) return known as V;
    const value = compute(key);
    if (memo.size >= limit) memo.clear();
    memo.set(key, value);
    return value;
  };
}
