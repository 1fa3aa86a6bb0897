/** Discourse and phpBB over the real saved pages in ../shared/pages. */
import { expect, it } from 'vitest';
import { detectAdapter } from '@/lib/adapters';
import { extractPage } from '@/lib/adapters/extract';
import { ObservedPost } from '@/lib/model/observed';
import { describeCorpus, loadCorpusPage } from './corpus';

/** Posts INDEX.tsv counts on each page (posts_or_comments column). */
const EXPECTED: Record<string, { adapter: string; posts: number; community: string }> = {
  'discourse/meta-topic-crawler-2020.html': { adapter: 'discourse', posts: 2, community: 'discourse:meta.discourse.org' },
  'phpbb/odroid-viewtopic-25posts.html': { adapter: 'phpbb', posts: 25, community: 'phpbb:forum.odroid.com' },
  'phpbb/odroid-viewtopic-16posts.html': { adapter: 'phpbb', posts: 16, community: 'phpbb:forum.odroid.com' },
};
const UI_STRINGS = /^(quote|reply|like|share|report|guest|anonymous|\[deleted\]|deleted|posts?|joined|contact)$/i;

describeCorpus('Discourse and phpBB real pages', () => {
  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${expected.posts} posts with author ids`, () => {
      const page = loadCorpusPage(file);
      try {
        const adapter = detectAdapter(page.doc, page.url);
        expect(adapter?.id).toBe(expected.adapter);
        const result = extractPage(adapter!, page.doc, page.url, new Date('2026-11-23T00:00:00Z'))!;
        expect(result.community.id).toBe(expected.community);
        expect(result.failures).toEqual([]);
        const withAuthor = result.posts.filter((post) => post.author.id && !post.author.isWeak);
        expect(withAuthor.length).toBeGreaterThanOrEqual(Math.ceil(expected.posts * 0.95));
        expect(result.posts.length).toBe(expected.posts);
        for (const post of result.posts) {
          expect(ObservedPost.safeParse(post).success, post.id).toBe(true);
          expect(post.author.name).not.toMatch(UI_STRINGS);
          expect(post.author.id.startsWith(`${expected.community}:`)).toBe(true);
          expect(post.publishedAt, post.id).not.toBeNull();
          expect(post.text.length, post.id).toBeGreaterThan(0);
        }
        // One member id per profile, one profile per member id: nobody merged, nobody split.
        const byMember = new Map<string, Set<string>>();
        for (const post of result.posts) byMember.set(post.author.id, (byMember.get(post.author.id) ?? new Set()).add(post.author.profileUrl ?? post.author.name));
        for (const [member, profiles] of byMember) expect([...profiles], member).toHaveLength(1);
        const profiles = result.posts.map((post) => post.author.profileUrl);
        expect(new Set(profiles).size).toBe(byMember.size);
        // Exactly one thread opener, and every post in that thread.
        expect(new Set(result.posts.map((post) => post.threadId)).size).toBe(1);
        expect(result.posts.filter((post) => post.kind === 'post')).toHaveLength(1);
      } finally {
        page.close();
      }
    });
  }
});
