/**
 * The content runtime: knows no site. It finds the adapter for the page, watches the DOM for
 * posts (infinite scroll, SPA re-renders), reads each post once, reports what it saw to the
 * background in batches, and mounts a badge next to every author in or near the viewport.
 */
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { detectAdapter } from '@/lib/adapters/detect';
import { errorMessage } from '@/lib/adapters/extract';
import type { PageContext, SiteAdapter } from '@/lib/adapters/types';
import { readBroadcast, send, sendWithResend } from '@/lib/messages/page-client';
import type { BadgeSummary } from '@/lib/messages/schema';
import type { ObservedPost } from '@/lib/model/observed';
import { BADGE_TAG, mountBadge, type Badge } from './badge';
import { CARD_TAG, openCard, openCardMember, refreshOpenCard } from './card';

/**
 * Let a burst of DOM mutations settle before scanning what was added. The scan then reads
 * everything the burst added and asks the background once (STYLE.md's batching), so no second
 * delay is added before the message leaves.
 */
const SCAN_DELAY_MS = 16;
/** Main-thread work per slice: reading posts and drawing badges yield between slices. */
const SLICE_MS = 8;
/** Largest batch per message; a 1,000-comment page goes as a few messages. */
const BATCH_SIZE = 200;
/** How long after start a claimed page may take to show its first post before we call it broken. */
const HEALTH_CHECK_MS = 5000;
/**
 * A message that has had no answer by then is sent once more (sendWithResend): Chromium was
 * seen to leave the first message to a service worker registered anew unanswered, in about one
 * launch in four, and the page's badges would wait forever. Both messages sent here are safe to
 * repeat: a batch seen again changes no counter.
 */
const ANSWER_TIMEOUT_MS = 10_000;
/**
 * Badges are drawn for posts within a screen of the viewport, and for the rest as the manager
 * scrolls towards them: every badge costs the page layout and paint, and a 500-post feed is
 * read by scrolling. Every post is still read and reported at once.
 */
const DRAW_MARGIN = '100% 0px';

interface TrackedPost {
  post: ObservedPost;
  anchor: Element;
  badge?: Badge;
  /** The summary the badge shows, so an unchanged one is not drawn again. */
  shown?: BadgeSummary;
}

/** Run the first adapter that claims this page, and again after SPA navigation. */
export function runAdapters(ctx: ContentScriptContext, candidates: readonly SiteAdapter[]): void {
  let session: PageSession | undefined;
  const start = (url = new URL(location.href)) => {
    session?.stop();
    session = undefined;
    const adapter = detectAdapter(document, url, candidates);
    const community = adapter?.community(document, url);
    if (!adapter || !community) return false;
    session = new PageSession(ctx, adapter, { url, community, observedAt: new Date() });
    session.start();
    return true;
  };
  if (!start()) {
    // Some sites add their fingerprint after load (client-rendered shells): look once more.
    ctx.setTimeout(() => session ?? start(), 1500);
  }
  // WXT announces SPA navigation as it starts (the Navigation API's "navigate"), before
  // location.href changes: take the new address from the event, and let the page finish
  // the task that navigated (it usually swaps the content) before reading it.
  ctx.addEventListener(window, 'wxt:locationchange', (event) => {
    ctx.setTimeout(() => start(event.newUrl), 0);
  });

  const onMessage = (raw: unknown): undefined => {
    const message = readBroadcast(raw);
    if (message?.type === 'members/changed') session?.refreshMembers(message.memberIds);
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);
  ctx.onInvalidated(() => {
    browser.runtime.onMessage.removeListener(onMessage);
    session?.stop();
  });
}

class PageSession {
  private readonly tracked = new Map<Element, TrackedPost>();
  private readonly summaries = new Map<string, BadgeSummary>();
  private readonly pendingRoots = new Set<Element>();
  private queue: ObservedPost[] = [];
  private readonly toRead = new Set<Element>();
  private readonly toDraw = new Set<TrackedPost>();
  /** Tracked posts in or near the viewport; only these get badges. */
  private readonly inView = new Set<Element>();
  private visibility: IntersectionObserver | undefined;
  private observer: MutationObserver | undefined;
  private scanTimer: number | undefined;
  private pumpTimer: number | undefined;
  private scans = 0;
  private readonly abort = new AbortController();
  private parsed = 0;
  private failures: string[] = [];
  /** Messages sent that answer with badge data, counted: the order answers are applied in. */
  private sent = 0;
  /** For each member, the latest message (by `sent`) whose answer was applied. */
  private readonly answeredBy = new Map<string, number>();
  /** Posts the adapter found but could not read yet (no author shown): re-read when they change. */
  private readonly unreadable = new WeakSet<Element>();
  /** Whether this reading run (the pump's slices until nothing is left to read) has reported its first slice. */
  private reportedFirstSlice = false;

  constructor(
    private readonly ctx: ContentScriptContext,
    private readonly adapter: SiteAdapter,
    private readonly page: PageContext,
  ) {}

  start(): void {
    if (typeof IntersectionObserver !== 'undefined') {
      this.visibility = new IntersectionObserver((entries) => this.onVisibility(entries), { rootMargin: DRAW_MARGIN });
    }
    this.scan(document.body);
    this.pump();
    this.observer = new MutationObserver((records) => this.onMutations(records));
    this.observer.observe(document.body, { childList: true, subtree: true });
    this.ctx.setTimeout(() => this.checkHealth(), HEALTH_CHECK_MS);
    // Mark the page for people and tests: Kehila read it with this adapter.
    document.documentElement.setAttribute('data-kehila-adapter', this.adapter.id);
  }

  stop(): void {
    this.observer?.disconnect();
    this.visibility?.disconnect();
    this.abort.abort();
    if (this.scanTimer !== undefined) clearTimeout(this.scanTimer);
    if (this.pumpTimer !== undefined) clearTimeout(this.pumpTimer);
  }

  private onMutations(records: MutationRecord[]): void {
    let ourBadgeRemoved = false;
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE && !isOurs(node as Element)) this.pendingRoots.add(node as Element);
      }
      for (const node of record.removedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE && (node as Element).localName === BADGE_TAG) ourBadgeRemoved = true;
      }
    }
    if (ourBadgeRemoved) {
      // The site re-rendered part of a post and dropped our badge: that post needs it again.
      for (const [el, entry] of this.tracked) {
        if (entry.badge && !entry.badge.host.isConnected && el.isConnected) this.pendingRoots.add(el);
      }
    }
    if (this.pendingRoots.size && this.scanTimer === undefined) {
      this.scanTimer = this.ctx.setTimeout(() => {
        this.scanTimer = undefined;
        const roots = [...this.pendingRoots];
        this.pendingRoots.clear();
        for (const root of roots) if (root.isConnected) this.scan(root);
        // One pump for the whole burst: what it added is read, and reported, together.
        this.pump();
      }, SCAN_DELAY_MS);
    }
  }

  private onVisibility(entries: IntersectionObserverEntry[]): void {
    let queued = false;
    for (const { target, isIntersecting } of entries) {
      if (!isIntersecting) {
        // A badge already drawn stays; one not drawn yet waits until the post comes back.
        this.inView.delete(target);
        continue;
      }
      this.inView.add(target);
      const entry = this.tracked.get(target);
      const summary = entry && this.summaries.get(entry.post.author.id);
      // Not drawn yet, or drawn with a summary that has changed since it scrolled away.
      if (entry && summary && entry.shown !== summary) {
        this.toDraw.add(entry);
        queued = true;
      }
    }
    if (queued) this.pump();
  }

  /** Without an IntersectionObserver (tests under jsdom), every post counts as in view. */
  private isInView(el: Element): boolean {
    return !this.visibility || this.inView.has(el);
  }

  /** Queue the posts in `root` (and the post that contains it, if one re-rendered inside); `pump` reads them. */
  private scan(root: Element): void {
    const elements = this.adapter.findPosts(root);
    if (!elements.length) {
      const owner = this.trackedAncestor(root);
      if (owner) elements.push(owner);
    }
    for (const el of elements) {
      this.toRead.add(el);
      // Asked now, the browser says whether the post is in reach by its next frame, while the
      // post is read and its author looked up, so a known author's badge is drawn as it is read.
      this.visibility?.observe(el);
    }
    this.scans += 1;
    if (this.scans % 20 === 0) this.pruneDetached();
  }

  /**
   * Read queued posts and draw queued badges in slices of a few milliseconds, yielding to the
   * page between slices, so a 500-post feed never becomes one long task. What the first slice
   * read goes to the background at once: posts are read in document order, so those are the
   * top of what was added, usually what the manager is looking at. The rest goes when
   * everything is read (or a batch fills).
   */
  private pump(): void {
    if (this.pumpTimer !== undefined || this.abort.signal.aborted) return;
    const started = performance.now();
    const overBudget = () => performance.now() - started > SLICE_MS;
    for (const entry of this.toDraw) {
      this.toDraw.delete(entry);
      const summary = this.summaries.get(entry.post.author.id);
      if (summary) this.showBadge(entry, summary);
      if (overBudget()) return this.continueLater();
    }
    for (const el of this.toRead) {
      this.toRead.delete(el);
      try {
        this.readPost(el);
      } catch (error) {
        // One failing post must not stop the others.
        this.failures.push(errorMessage(error));
      }
      if (overBudget()) {
        if (!this.reportedFirstSlice) this.flush();
        this.reportedFirstSlice = true;
        return this.continueLater();
      }
    }
    this.reportedFirstSlice = false;
    this.flush();
  }

  private continueLater(): void {
    this.pumpTimer = this.ctx.setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, 0);
  }

  private readPost(el: Element): void {
    const known = this.tracked.get(el);
    if (known?.badge?.host.isConnected && known.anchor.isConnected && known.anchor.nextElementSibling === known.badge.host) return;

    const post = this.adapter.parsePost(el, this.page);
    const anchor = post ? this.adapter.badgeAnchor(el) : undefined;
    if (!post || !anchor) {
      // A placeholder (a loading skeleton) the site fills in place later: read it again then.
      this.unreadable.add(el);
      return;
    }
    this.unreadable.delete(el);
    this.parsed += 1;
    const entry: TrackedPost = { post, anchor };
    this.tracked.set(el, entry);

    const summary = this.summaries.get(post.author.id);
    if (summary && this.isInView(el)) this.showBadge(entry, summary);
    // A post seen before in this session (a re-render) needs a badge, not a second report.
    if (known?.post.id === post.id && summary) return;
    this.queue.push(post);
    if (this.queue.length >= BATCH_SIZE) this.flush();
  }

  private flush(): void {
    if (!this.queue.length) return;
    const batch = this.queue.splice(0, this.queue.length);
    // The background answers a batch with its authors' badge data as soon as it has read them
    // and journalled the batch (lib/db/journal.ts), well before the batch reaches its tables.
    for (let i = 0; i < batch.length; i += BATCH_SIZE) {
      const posts = batch.slice(i, i + BATCH_SIZE);
      const stored = sendWithResend(
        { type: 'observe/posts', adapter: this.adapter.id, url: this.page.url.href, community: this.page.community, posts },
        ANSWER_TIMEOUT_MS,
        this.abort.signal,
      );
      this.applyAnswer(
        'store what this page showed',
        stored.then(
          ({ summaries }) => summaries,
          (error: unknown) => {
            this.warn('store what this page showed', error);
            // Storing failed (a full disk, say): the badges still show what the database knows.
            const memberIds = [...new Set(posts.map((post) => post.author.id))];
            const read = { type: 'members/summaries', communityId: this.page.community.id, memberIds } as const;
            return sendWithResend(read, ANSWER_TIMEOUT_MS, this.abort.signal).catch((readError: unknown) => {
              this.warn('read badge data', readError);
              return [];
            });
          },
        ),
      );
    }
  }

  /**
   * Apply the badge data a message answers with. Answers may arrive out of order (a later
   * batch's overtakes an earlier one's, or a refresh's): each member keeps the data of the
   * latest message that answered for it, by the order the messages were sent.
   */
  private applyAnswer(failure: string, answer: Promise<readonly BadgeSummary[]>): void {
    const sent = (this.sent += 1);
    answer.then(
      (summaries) => this.applySummaries(summaries, sent),
      (error: unknown) => this.warn(failure, error),
    );
  }

  private warn(failure: string, error: unknown): void {
    if (this.ctx.isValid) console.warn(`Kehila: could not ${failure}`, error);
  }

  private applySummaries(summaries: readonly BadgeSummary[], sent: number): void {
    if (this.abort.signal.aborted) return;
    const changed = new Set<string>();
    for (const summary of summaries) {
      // An older message's answer arriving after a newer one's must not undo it.
      if ((this.answeredBy.get(summary.memberId) ?? 0) > sent) continue;
      this.answeredBy.set(summary.memberId, sent);
      const previous = this.summaries.get(summary.memberId);
      // Keep the object already shown when nothing in it changed, so its badges are skipped.
      if (previous && sameSummary(previous, summary)) continue;
      this.summaries.set(summary.memberId, summary);
      changed.add(summary.memberId);
    }
    // Posts read since the batch went out may lack a badge even when nothing changed. Posts
    // out of view get theirs when they come into view (onVisibility).
    for (const [el, entry] of this.tracked) {
      if (!this.isInView(el)) continue;
      if (this.summaries.has(entry.post.author.id) && (changed.has(entry.post.author.id) || !entry.shown)) this.toDraw.add(entry);
    }
    this.pump();
  }

  private showBadge(entry: TrackedPost, summary: BadgeSummary): void {
    if (!entry.anchor.isConnected) return;
    // Every batch answers for all its authors; most badges already show exactly that.
    if (entry.shown === summary && entry.badge?.host.isConnected && entry.anchor.nextElementSibling === entry.badge.host) return;
    entry.shown = summary;
    entry.badge = mountBadge(entry.anchor, summary.memberId, (_badge, button) =>
      openCard({ memberId: summary.memberId, communityId: this.page.community.id, opener: button }, this.abort.signal),
    );
    entry.badge.update(summary);
  }

  /** A note or tag changed somewhere (this tab or another): refresh those members' badges. */
  refreshMembers(memberIds: readonly string[]): void {
    const shown = memberIds.filter((id) => this.summaries.has(id));
    if (shown.length) {
      const read = { type: 'members/summaries', communityId: this.page.community.id, memberIds: shown } as const;
      this.applyAnswer('refresh badge data', sendWithResend(read, ANSWER_TIMEOUT_MS, this.abort.signal));
    }
    const open = openCardMember();
    if (open && memberIds.includes(open)) refreshOpenCard();
  }

  private trackedAncestor(node: Element): Element | undefined {
    for (let el: Element | null = node.parentElement, depth = 0; el && depth < 40; el = el.parentElement, depth += 1) {
      if (this.tracked.has(el) || this.unreadable.has(el)) return el;
    }
    return undefined;
  }

  private pruneDetached(): void {
    // Feeds that virtualise (Facebook) drop old posts from the DOM; forget them too (checked
    // every 20th scan, not on every one: it walks every tracked post).
    if (this.tracked.size < 500) return;
    for (const el of this.tracked.keys()) {
      if (el.isConnected) continue;
      this.tracked.delete(el);
      this.inView.delete(el);
      this.visibility?.unobserve(el);
    }
  }

  private checkHealth(): void {
    if (this.abort.signal.aborted) return;
    const pageKind = this.adapter.pageKind?.(document, this.page.url);
    const broken = this.parsed === 0 && (this.failures.length > 0 || pageKind !== undefined);
    if (!broken) return;
    const message = this.failures[0] ?? 'The page shows no posts Kehila can read; the site may have changed its layout.';
    void send({ type: 'adapter/report', adapter: this.adapter.id, url: this.page.url.href, pageKind: pageKind ?? 'page', message }).catch(() => undefined);
  }
}

function sameSummary(a: BadgeSummary, b: BadgeSummary): boolean {
  return (
    a.postCount === b.postCount &&
    a.noteCount === b.noteCount &&
    a.firstSeenAt === b.firstSeenAt &&
    a.role === b.role &&
    a.name === b.name &&
    a.label === b.label &&
    a.tags.join('\n') === b.tags.join('\n')
  );
}

function isOurs(el: Element): boolean {
  return el.localName === BADGE_TAG || el.localName === CARD_TAG;
}
