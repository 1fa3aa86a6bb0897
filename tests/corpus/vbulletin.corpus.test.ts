/**
 * The vbulletin adapter over the real saved pages in ../shared/pages. Counts are INDEX.tsv's
 * posts_or_comments column. (No adapter of ours defines prepareSavedPage: detect → extractPage.)
 */
import { expect, it } from 'vitest';
import { adapters } from '@/lib/adapters';
import { extractPage } from '@/lib/adapters/extract';
import { vbulletin } from '@/lib/adapters/vbulletin';
import { ObservedPost } from '@/lib/model/observed';
import { corpusPages, describeCorpus, loadCorpusPage } from './corpus';

const EXPECTED: Record<string, { posts: number; comments: number; community: string; opener: string; thread: string; url: string }> = {
  // INDEX: "15 posts (li.postcontainer)": page 1 of 4, the opener (#1) and 14 replies. The page's
  // canonical link is relative ("showthread.php?…"), resolved against its <base href>.
  'vbulletin/msworld-showthread-15posts.html': {
    posts: 1,
    comments: 14,
    community: 'vbulletin:msworld.org',
    opener: 'vbulletin:msworld.org:post-1518952',
    thread: 'vbulletin:msworld.org:thread-145403',
    url: 'https://www.msworld.org/forum/showthread.php?145403-Sort-of-new-here&s=bf4de326457cd8c2e9ddb5eecb7f40af',
  },
};
// vBulletin's own UI (English): never a person.
const UI_STRINGS = /^(quote|reply|reply with quote|like|share|report|guest|\[deleted\]|deleted|view profile|originally posted by|join date|posts?)$/i;

describeCorpus('vbulletin over the real pages', () => {
  const pages = corpusPages();
  it('has every vBulletin page INDEX.tsv lists under test', () => {
    expect(pages.filter((page) => page.site === 'vbulletin').map((page) => page.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${expected.posts + expected.comments} posts with author ids`, () => {
      const page = loadCorpusPage(file);
      try {
        expect(page.url.href).toBe(expected.url);
        expect(vbulletin.detect(page.doc, page.url)).toBe(true);
        expect(vbulletin.pageKind?.(page.doc, page.url)).toBe('thread');
        const result = extractPage(vbulletin, page.doc, page.url, new Date('2019-04-09T00:00:00Z'));
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
          // "04-06-2019, 06:55 AM" text, the vB default format.
          expect(post.publishedAt, post.id).toMatch(/^2019-04-0[6-8]T/);
          // Session ids are not part of a person or a post.
          expect(post.author.profileUrl, post.id).not.toContain('s=');
          expect(post.url, post.id).not.toContain('s=');
          // Quotes are someone else's words.
          expect(post.text, post.id).not.toMatch(/Originally Posted by/);
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

  for (const { site, file } of pages.filter((page) => page.site !== 'vbulletin')) {
    it(`does not claim ${file} (${site})`, () => {
      const page = loadCorpusPage(file);
      try {
        expect(vbulletin.detect(page.doc, page.url)).toBe(false);
      } finally {
        page.close();
      }
    });
  }

  it('is registered after xenforo', () => {
    const ids = adapters.map((adapter) => adapter.id);
    expect(ids.indexOf('vbulletin')).toBeGreaterThan(ids.indexOf('xenforo'));
  });
});
