/**
 * The hackernews adapter over the real saved pages in ../shared/pages. Counts are INDEX.tsv's
 * posts_or_comments column. The saved item page names no URL of its own; corpus.ts supplies
 * https://news.ycombinator.com/item and the adapter reads the item id from the DOM.
 */
import { expect, it } from 'vitest';
import { adapters } from '@/lib/adapters';
import { extractPage } from '@/lib/adapters/extract';
import { hackernews } from '@/lib/adapters/hackernews';
import { ObservedPost } from '@/lib/model/observed';
import { corpusPages, describeCorpus, loadCorpusPage } from './corpus';

const EXPECTED: Record<string, { stories: number; comments: number; story: string }> = {
  // INDEX: "1 story + 100 comments (tr.athing.comtr)", five levels deep.
  'hackernews/item-ask-hn-100comments-2023.html': { stories: 1, comments: 100, story: 'hackernews:36817231' },
};
// HN's own UI: never a person.
const UI_STRINGS = /^(reply|parent|next|prev|root|context|hide|past|favorite|flag|\[deleted\]|\[dead\]|\[flagged\]|login)$/i;

describeCorpus('hackernews over the real pages', () => {
  const pages = corpusPages();
  it('has every Hacker News page INDEX.tsv lists under test', () => {
    expect(pages.filter((page) => page.site === 'hackernews').map((page) => page.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${expected.stories} story + ${expected.comments} comments with author ids`, () => {
      const page = loadCorpusPage(file);
      try {
        expect(hackernews.detect(page.doc, page.url)).toBe(true);
        expect(hackernews.pageKind?.(page.doc, page.url)).toBe('item');
        const result = extractPage(hackernews, page.doc, page.url, new Date('2023-07-23T12:00:00Z'));
        if (!result) throw new Error('no community');
        expect(result.community.id).toBe('hackernews:news.ycombinator.com');
        expect(result.failures).toEqual([]);

        const indexed = expected.stories + expected.comments;
        const withAuthorId = result.posts.filter((post) => !post.author.isWeak);
        expect(withAuthorId.length).toBeGreaterThanOrEqual(Math.ceil(indexed * 0.95));
        expect(result.posts).toHaveLength(indexed);
        expect(result.posts.filter((post) => post.kind === 'post').map((post) => post.id)).toEqual([expected.story]);

        const ids = new Set(result.posts.map((post) => post.id));
        for (const post of result.posts) {
          expect(ObservedPost.safeParse(post).success, post.id).toBe(true);
          expect(post.author.name, post.id).not.toMatch(UI_STRINGS);
          expect(post.author.id).toBe(`hackernews:${post.author.name}`);
          expect(post.threadId).toBe(expected.story);
          expect(post.publishedAt, post.id).toMatch(/^2023-07-2[1-3]T/);
          if (post.kind === 'comment') expect(post.parentId).toBe(expected.story);
          // A reply's parent is a comment on this page (nothing on this page was deleted).
          if (post.kind === 'reply') expect(ids.has(post.parentId ?? ''), post.id).toBe(true);
        }
        // Parents from indentation agree with HN's own "parent" anchors (#<id>).
        for (const post of result.posts.filter((p) => p.kind === 'reply')) {
          const row = page.doc.getElementById(post.id.replace('hackernews:', ''));
          const anchor = Array.from(row?.querySelectorAll('.navs a') ?? []).find((a) => a.textContent === 'parent');
          expect(anchor && `hackernews:${new URL(anchor.getAttribute('href') ?? '', page.url).hash.slice(1)}`, post.id).toBe(post.parentId);
        }
        // One member id per profile, one profile per member id.
        const profilesByMember = new Map<string, Set<string | null>>();
        for (const post of result.posts) {
          profilesByMember.set(post.author.id, (profilesByMember.get(post.author.id) ?? new Set()).add(post.author.profileUrl));
        }
        for (const [member, profiles] of profilesByMember) expect([...profiles], member).toHaveLength(1);
        expect(new Set(result.posts.map((post) => post.author.profileUrl)).size).toBe(profilesByMember.size);
      } finally {
        page.close();
      }
    });
  }

  for (const { site, file } of pages.filter((page) => page.site !== 'hackernews')) {
    it(`does not claim ${file} (${site}), even served from the HN host`, () => {
      const page = loadCorpusPage(file);
      try {
        expect(hackernews.detect(page.doc, page.url)).toBe(false);
        expect(hackernews.detect(page.doc, new URL('https://news.ycombinator.com/item?id=1'))).toBe(false);
      } finally {
        page.close();
      }
    });
  }

  it('is registered before the DOM-fingerprinted forums', () => {
    const ids = adapters.map((adapter) => adapter.id);
    expect(ids.indexOf('hackernews')).toBeLessThan(ids.indexOf('discourse'));
  });
});
