/**
 * The xenforo adapter over the real saved pages in ../shared/pages. Counts are INDEX.tsv's
 * posts_or_comments column. (No adapter of ours defines prepareSavedPage: detect → extractPage.)
 */
import { expect, it } from 'vitest';
import { adapters } from '@/lib/adapters';
import { extractPage } from '@/lib/adapters/extract';
import { xenforo } from '@/lib/adapters/xenforo';
import { ObservedPost } from '@/lib/model/observed';
import { corpusPages, describeCorpus, loadCorpusPage } from './corpus';

const EXPECTED: Record<string, { posts: number; comments: number; community: string; opener: string; thread: string }> = {
  // INDEX: "12 posts (article.message)": the opener (#1) and 11 replies, all on page 1.
  'xenforo/statcounter-thread-12posts.html': {
    posts: 1,
    comments: 11,
    community: 'xenforo:forum.statcounter.com',
    opener: 'xenforo:forum.statcounter.com:post-261438',
    thread: 'xenforo:forum.statcounter.com:thread-44340',
  },
};
// XenForo's own UI (English): never a person.
const UI_STRINGS = /^(quote|reply|like|likes|share|report|guest|\[deleted\]|deleted|staff member|administrator|moderator|said:?|click to expand\.*)$/i;

describeCorpus('xenforo over the real pages', () => {
  const pages = corpusPages();
  it('has every XenForo page INDEX.tsv lists under test', () => {
    expect(pages.filter((page) => page.site === 'xenforo').map((page) => page.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${expected.posts + expected.comments} posts with author ids`, () => {
      const page = loadCorpusPage(file);
      try {
        expect(xenforo.detect(page.doc, page.url)).toBe(true);
        expect(xenforo.pageKind?.(page.doc, page.url)).toBe('thread');
        const result = extractPage(xenforo, page.doc, page.url, new Date('2020-06-16T00:00:00Z'));
        if (!result) throw new Error('no community');
        expect(result.community.id).toBe(expected.community);
        expect(result.failures).toEqual([]);

        const indexed = expected.posts + expected.comments;
        const withAuthorId = result.posts.filter((post) => !post.author.isWeak);
        expect(withAuthorId.length).toBeGreaterThanOrEqual(Math.ceil(indexed * 0.95));
        expect(result.posts).toHaveLength(indexed);
        expect(result.posts.filter((post) => post.kind === 'post').map((post) => post.id)).toEqual([expected.opener]);
        expect(result.posts.filter((post) => post.kind === 'comment')).toHaveLength(expected.comments);

        for (const post of result.posts) {
          expect(ObservedPost.safeParse(post).success, post.id).toBe(true);
          expect(post.author.name, post.id).not.toMatch(UI_STRINGS);
          expect(post.author.id.startsWith(`${expected.community}:`)).toBe(true);
          // The thread's own key, the same on every page of it; the opener is its kind: 'post'.
          expect(post.threadId, post.id).toBe(expected.thread);
          expect(post.parentId, post.id).toBe(post.kind === 'post' ? null : expected.thread);
          expect(post.publishedAt, post.id).not.toBeNull();
          expect(post.url, post.id).toContain(post.id.split(':').pop());
          // Quotes are someone else's words.
          expect(post.text, post.id).not.toMatch(/ said:|Click to expand/);
        }
        // One member id per profile, one profile per member id: nobody merged, nobody split.
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

  for (const { site, file } of pages.filter((page) => page.site !== 'xenforo')) {
    it(`does not claim ${file} (${site})`, () => {
      const page = loadCorpusPage(file);
      try {
        expect(xenforo.detect(page.doc, page.url)).toBe(false);
      } finally {
        page.close();
      }
    });
  }

  it('is registered after the built-in hosts and before vbulletin', () => {
    const ids = adapters.map((adapter) => adapter.id);
    expect(ids).toContain('xenforo');
    expect(ids.indexOf('xenforo')).toBeLessThan(ids.indexOf('vbulletin'));
  });
});
