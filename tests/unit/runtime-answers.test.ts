// @vitest-environment jsdom
/**
 * The content runtime's badge data: a batch's write answers with its authors' badges (a read
 * stands in when storing fails), and answers that arrive out of order never undo a newer one.
 * The transport is replaced by a controllable fake; the page client, the runtime, its badges
 * and the DOM are real (jsdom, where every post counts as in view).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { SiteAdapter } from '@/lib/adapters/types';
import type { BadgeSummary } from '@/lib/messages/schema';
import type { ObservedCommunity } from '@/lib/model/observed';

interface Pending {
  message: { type: string; memberIds?: string[]; posts?: { author: { id: string } }[] };
  resolve: (value: unknown) => void;
}
const pending: Pending[] = [];
// The transport under the real page client: each message waits until the test answers it with
// the data (wrapped in the background's envelope) or with a failure.
vi.mock('@/lib/messages/transport', () => ({
  MessageError: class MessageError extends Error {},
  sendRaw: (message: Pending['message']) =>
    new Promise((resolve, reject) =>
      pending.push({ message, resolve: (value) => void Promise.resolve(value).then((data) => resolve({ ok: true, data }), reject) }),
    ),
}));

vi.mock('@/lib/i18n/t', () => ({
  t: (key: string, substitutions?: string[]) => [key, ...(substitutions ?? [])].join(' '),
  formatDate: (ms: number | null) => String(ms),
  formatRelative: (ms: number | null) => String(ms),
  uiLanguage: () => 'en',
  uiDirection: () => 'ltr',
}));

const { runAdapters } = await import('@/lib/content/runtime');

const COMMUNITY: ObservedCommunity = { id: 'discourse:forum.test', platform: 'discourse', name: 'Test forum', url: 'https://forum.test/' };

const parseFast: SiteAdapter['parsePost'] = (el, page) => ({
  id: `test:${el.id}`,
  communityId: page.community.id,
  threadId: 'test:thread',
  parentId: null,
  kind: 'comment',
  author: { id: `test:${el.getAttribute('data-author')}`, name: el.getAttribute('data-author')!, profileUrl: null, isWeak: false },
  publishedAt: null,
  url: null,
  text: el.textContent ?? '',
});

const adapter: SiteAdapter = {
  id: 'test',
  matches: [],
  detect: (doc) => doc.querySelector('article') !== null,
  community: () => COMMUNITY,
  findPosts: (root) => [...(root instanceof Element && root.matches('article') ? [root] : []), ...root.querySelectorAll('article')],
  parsePost: (el, page) => parseFast(el, page),
  badgeAnchor: (el) => el.querySelector('b') ?? undefined,
  replyBox: () => undefined,
};

function summary(member: string, postCount: number): BadgeSummary {
  const label = `${member}, ${postCount} seen`;
  return { memberId: `test:${member}`, communityId: COMMUNITY.id, name: member, postCount, firstSeenAt: 0, lastSeenAt: 0, noteCount: 0, tags: [], role: 'member', label };
}

let invalidate: (() => void) | undefined;
function fakeContext(): ContentScriptContext {
  return {
    isValid: true,
    setTimeout: (handler: () => void, ms?: number) => window.setTimeout(handler, ms),
    addEventListener: () => undefined,
    onInvalidated: (callback: () => void) => {
      invalidate = callback;
    },
  } as unknown as ContentScriptContext;
}

const badgeCount = (member: string) => document.querySelector(`kehila-badge[data-kehila-member="test:${member}"]`)?.shadowRoot?.querySelector('button')?.dataset.posts;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('content runtime: badge data answers', () => {
  beforeEach(() => {
    pending.length = 0;
    document.body.innerHTML = '<article id="p1" data-author="ann"><b>ann</b> hi</article><article id="p2" data-author="bob"><b>bob</b> yo</article>';
    runAdapters(fakeContext(), [adapter]);
  });
  afterEach(() => {
    invalidate?.();
    document.body.innerHTML = '';
  });

  it('sends what the page showed once, and draws the badges from the answer', async () => {
    await settle();
    expect(pending.map(({ message }) => message.type)).toEqual(['observe/posts']);
    expect(pending[0]!.message.posts?.map((post) => post.author.id)).toEqual(['test:ann', 'test:bob']);
    expect(badgeCount('ann')).toBeUndefined();

    pending[0]!.resolve({ stored: 2, summaries: [summary('ann', 5), summary('bob', 1)] });
    // Badges are drawn in slices of a few milliseconds: the first, in a cold jsdom, may take two.
    await vi.waitFor(() => expect([badgeCount('ann'), badgeCount('bob')]).toEqual(['5', '1']));
    // The badge says in words what the background worded: the page looks up no strings itself.
    const button = document.querySelector('kehila-badge[data-kehila-member="test:ann"]')?.shadowRoot?.querySelector('button');
    expect([button?.getAttribute('aria-label'), button?.title]).toEqual(['ann, 5 seen', 'ann, 5 seen']);
  });

  it('keeps a later batch’s answer when an earlier batch answers after it', async () => {
    await settle();
    const [first] = pending;
    document.body.insertAdjacentHTML('beforeend', '<article id="p3" data-author="ann"><b>ann</b> again</article>');
    await vi.waitFor(() => expect(pending).toHaveLength(2));
    const second = pending[1]!;
    expect(second.message.posts?.map((post) => post.author.id)).toEqual(['test:ann']);

    second.resolve({ stored: 1, summaries: [summary('ann', 6)] });
    await settle();
    first!.resolve({ stored: 2, summaries: [summary('ann', 5), summary('bob', 1)] });
    await settle();
    expect([badgeCount('ann'), badgeCount('bob')]).toEqual(['6', '1']);
    expect(document.querySelectorAll('kehila-badge[data-kehila-member="test:ann"]')).toHaveLength(2);
  });

  it('badges a known author’s new post before anything answers, and reports one burst once', async () => {
    await settle();
    pending[0]!.resolve({ stored: 2, summaries: [summary('ann', 5), summary('bob', 1)] });
    await settle();
    pending.length = 0;

    document.body.insertAdjacentHTML('beforeend', '<article id="p3" data-author="ann"><b>ann</b> again</article><article id="p4" data-author="cy"><b>cy</b> new</article>');
    await vi.waitFor(() => expect(pending.length).toBeGreaterThan(0));
    await settle();
    expect(pending.map(({ message }) => message.type)).toEqual(['observe/posts']);
    expect(pending[0]!.message.posts?.map((post) => post.author.id)).toEqual(['test:ann', 'test:cy']);
    // ann is known to this page already: her new post is badged before anything answers.
    expect(document.querySelectorAll('kehila-badge[data-kehila-member="test:ann"]')).toHaveLength(2);
    expect(badgeCount('cy')).toBeUndefined();
  });

  it('reads the badges when storing fails, and says so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await settle();
    pending[0]!.resolve(Promise.reject(new Error('storage-full')));
    await vi.waitFor(() => expect(pending).toHaveLength(2));
    expect(pending[1]!.message).toEqual({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: ['test:ann', 'test:bob'] });
    expect(warn).toHaveBeenCalledWith('Kehila: could not store what this page showed', expect.any(Error));

    // bob is new to the database: only ann has a badge until storing works again.
    pending[1]!.resolve([summary('ann', 4)]);
    await vi.waitFor(() => expect(badgeCount('ann')).toBe('4'));
    expect(badgeCount('bob')).toBeUndefined();
    warn.mockRestore();
  });

  it('reads a placeholder again once the site fills it in', async () => {
    await settle();
    document.body.insertAdjacentHTML('beforeend', '<article id="p5" data-author="dee">loading…</article>');
    await vi.waitFor(() => expect(pending.some(({ message }) => message.type === 'observe/posts' && message.posts?.length === 2)).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // No author shown yet: nothing was reported for it.
    expect(pending.filter(({ message }) => message.posts?.some((post) => post.author.id === 'test:dee'))).toHaveLength(0);

    document.querySelector('#p5')!.replaceChildren(Object.assign(document.createElement('b'), { textContent: 'dee' }), ' hello');
    await vi.waitFor(() => expect(pending.some(({ message }) => message.posts?.some((post) => post.author.id === 'test:dee'))).toBe(true));
    pending
      .filter(({ message }) => message.posts?.some((post) => post.author.id === 'test:dee'))
      .forEach(({ resolve }) => resolve({ stored: 1, summaries: [summary('dee', 2)] }));
    await vi.waitFor(() => expect(badgeCount('dee')).toBe('2'));
  });

  it('reports what the first slice read at once, and the rest when all is read', async () => {
    await settle();
    pending.length = 0;
    // Slow posts, so reading 30 takes several slices of the runtime's few milliseconds.
    const slow = vi.spyOn(adapter, 'parsePost').mockImplementation((el, page) => {
      const until = performance.now() + 1;
      while (performance.now() < until) {
        // busy: a post that takes a millisecond to read
      }
      return parseFast(el, page);
    });
    const html = Array.from({ length: 30 }, (_, i) => `<article id="q${i}" data-author="m${i % 5}"><b>m${i % 5}</b> text ${i}</article>`).join('');
    document.body.insertAdjacentHTML('beforeend', html);
    await vi.waitFor(() => expect(pending.filter(({ message }) => message.type === 'observe/posts').flatMap(({ message }) => message.posts ?? [])).toHaveLength(30));
    slow.mockRestore();

    const writes = pending.filter(({ message }) => message.type === 'observe/posts').map(({ message }) => message.posts!.map((post) => (post as unknown as { id: string }).id));
    expect(writes.length).toBeGreaterThanOrEqual(2);
    // The first report is the top of what was added, in document order; nothing is reported twice.
    expect(writes[0]!.length).toBeLessThan(30);
    expect(writes[0]).toEqual(Array.from({ length: writes[0]!.length }, (_, i) => `test:q${i}`));
    expect(new Set(writes.flat()).size).toBe(30);
  });
});

describe('content runtime: unanswered messages', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    pending.length = 0;
    document.body.innerHTML = '<article id="p1" data-author="ann"><b>ann</b> hi</article><article id="p2" data-author="bob"><b>bob</b> yo</article>';
    runAdapters(fakeContext(), [adapter]);
  });
  afterEach(() => {
    invalidate?.();
    document.body.innerHTML = '';
    vi.useRealTimers();
  });

  const types = () => pending.map(({ message }) => message.type);

  it('sends a message that got no answer once more, and draws from whichever answers', async () => {
    await vi.advanceTimersByTimeAsync(100);
    expect(types()).toEqual(['observe/posts']);

    // A worker stopped mid-answer: the message never settles.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(types()).toEqual(['observe/posts', 'observe/posts']);
    expect(pending[1]!.message.posts).toHaveLength(2);

    pending[1]!.resolve({ stored: 2, summaries: [summary('ann', 5), summary('bob', 1)] });
    await vi.advanceTimersByTimeAsync(0);
    expect([badgeCount('ann'), badgeCount('bob')]).toEqual(['5', '1']);
    // Asked once more only.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(pending).toHaveLength(2);
  });

  it('does not repeat a message that was answered, or that failed', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await vi.advanceTimersByTimeAsync(100);
    pending[0]!.resolve(Promise.reject(new Error('storage-full')));
    await vi.advanceTimersByTimeAsync(0);
    // Storing failed: the read that stands in for it answers.
    expect(types()).toEqual(['observe/posts', 'members/summaries']);
    pending[1]!.resolve([summary('ann', 4)]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(types()).toEqual(['observe/posts', 'members/summaries']);
    expect(badgeCount('ann')).toBe('4');
    expect(warn).toHaveBeenCalledWith('Kehila: could not store what this page showed', expect.any(Error));
    warn.mockRestore();
  });
});
