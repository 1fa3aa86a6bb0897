/**
 * The member badge: plain DOM in a shadow root, right after the author's name. It is the one
 * piece of UI every post gets, so it stays small (no React, no framework) — STYLE.md budgets
 * what loads into every page.
 */
import type { BadgeSummary } from '@/lib/messages/schema';
import { BADGE_CSS } from './styles';
import { h } from './dom';

export const BADGE_TAG = 'kehila-badge';

export interface Badge {
  readonly host: HTMLElement;
  update(summary: BadgeSummary): void;
}

let sheet: CSSStyleSheet | undefined;
function badgeSheet(): CSSStyleSheet | undefined {
  if (sheet === undefined && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(BADGE_CSS);
  }
  return sheet;
}

/**
 * Put a badge right after `anchor`, or reuse the one already there (a re-run over the same
 * DOM, or a site that kept our node through a re-render), so a post never gets two.
 */
export function mountBadge(anchor: Element, memberId: string, onOpen: (badge: Badge, button: HTMLButtonElement) => void): Badge {
  const next = anchor.nextElementSibling;
  if (next?.localName === BADGE_TAG && next.getAttribute('data-kehila-member') === memberId && badges.has(next as HTMLElement)) {
    return badges.get(next as HTMLElement)!;
  }
  if (next?.localName === BADGE_TAG) next.remove();

  const host = document.createElement(BADGE_TAG);
  host.setAttribute('data-kehila-member', memberId);
  // Open, so assistive technology and tests can reach it. The badge shows only counts and tags;
  // note bodies appear only in the card the manager opens.
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  const button = h('button', { type: 'button', part: 'badge' });
  root.append(button);
  anchor.after(host);

  const badge: Badge = {
    host,
    update(summary) {
      renderBadge(button, summary);
    },
  };
  button.addEventListener('click', (event) => {
    // The badge usually sits inside the site's author link or post header: keep the click ours.
    event.preventDefault();
    event.stopPropagation();
    onOpen(badge, button);
  });
  badges.set(host, badge);
  return badge;
}

const badges = new WeakMap<HTMLElement, Badge>();

/** One shared constructed sheet for every badge; a <style> where the browser refuses that. */
function adoptStyles(root: ShadowRoot): void {
  const shared = badgeSheet();
  try {
    if (shared) {
      root.adoptedStyleSheets = [shared];
      return;
    }
  } catch {
    // Firefox content scripts may not adopt sheets across the Xray boundary.
  }
  root.append(h('style', {}, BADGE_CSS));
}

function renderBadge(button: HTMLButtonElement, summary: BadgeSummary): void {
  const parts: (Node | string)[] = [`● ${summary.postCount}`];
  if (summary.noteCount > 0) parts.push(h('span', { className: 'notes' }, `✎ ${summary.noteCount}`));
  for (const tag of summary.tags.slice(0, 2)) parts.push(h('span', { className: 'tag', dir: 'auto' }, `#${tag}`));
  if (summary.tags.length > 2) parts.push(h('span', { className: 'tag' }, `+${summary.tags.length - 2}`));
  button.replaceChildren(...parts);
  // What the badge shows, in words, worded by the background (BadgeSummary): the badge loads
  // no strings of its own. Dates stay in the card: a page's first Intl date format costs
  // ~30 ms (V8 loads its patterns once per page), too much for the one piece of UI every post gets.
  button.setAttribute('aria-label', summary.label);
  button.title = summary.label;
  button.dataset.posts = String(summary.postCount);
  button.dataset.notes = String(summary.noteCount);
}
