/**
 * The generic schema.org reader and the custom-rule adapter over the real saved pages in
 * ../shared/pages (INDEX.tsv says what each holds; counts below are its posts_or_comments).
 *
 * Generic comes last in the registry, so on pages of sites with their own adapter it must
 * never be the one chosen. Those adapters are being written alongside this one: where one is
 * not registered yet, that page's check is reported as skipped by name, not passed.
 */
import { expect, it } from 'vitest';
import { checkRule, customSiteAdapter, customSiteRuleSchema } from '@/lib/adapters/custom';
import { extractPage } from '@/lib/adapters/extract';
import { generic, isUiName } from '@/lib/adapters/generic';
import { adapterById, adapters, detectAdapter } from '@/lib/adapters/index';
import { ObservedPost } from '@/lib/model/observed';
import { corpusPages, describeCorpus, loadCorpusPage, type CorpusPage } from './corpus';

const OBSERVED_AT = new Date('2024-01-01T00:00:00.000Z');

/** Sites with (planned) adapters of their own; the corpus `site` column is the adapter id. */
const SITES_WITH_ADAPTERS = ['facebook', 'reddit', 'hackernews', 'discourse', 'phpbb', 'xenforo', 'vbulletin'];

/**
 * Pages whose own schema.org markup generic can read too (Discourse's crawler view:
 * DiscussionForumPosting microdata; XenForo: a DiscussionForumPosting JSON-LD opener), so only
 * the registry order keeps generic off them; plus the pages generic is the reader for.
 */
const GENERIC_DETECTS = new Set([
  'discourse/meta-topic-crawler-2020.html',
  'xenforo/statcounter-thread-12posts.html',
  'vanilla/scope-discussion-4comments.html',
  'stackoverflow/question-5answers-8comments-2019.html',
  'stackoverflow/question-2answers-2019.html',
]);

/** Where pages that name no URL of their own came from (the 2018 Facebook fragment). */
const SITE_URLS: Record<string, string> = { facebook: 'https://www.facebook.com/' };

function load(page: CorpusPage) {
  try {
    return loadCorpusPage(page.file);
  } catch (error) {
    const url = SITE_URLS[page.site];
    if (!url) throw error;
    return loadCorpusPage(page.file, url);
  }
}

function extractWith(page: CorpusPage, adapter = generic) {
  const { doc, url, close } = load(page);
  try {
    const result = extractPage(adapter, doc, url, OBSERVED_AT);
    if (!result) throw new Error(`${adapter.id} found no community on ${page.file}`);
    return result;
  } finally {
    close();
  }
}

/** Different people never share a member id, and one person keeps one. */
function expectOneIdPerPerson(posts: readonly ObservedPost[]): void {
  const idsByProfile = new Map<string, Set<string>>();
  const profilesById = new Map<string, Set<string>>();
  for (const { author } of posts) {
    if (!author.profileUrl) continue;
    idsByProfile.set(author.profileUrl, new Set([...(idsByProfile.get(author.profileUrl) ?? []), author.id]));
    profilesById.set(author.id, new Set([...(profilesById.get(author.id) ?? []), author.profileUrl]));
  }
  for (const [profile, ids] of idsByProfile) expect([...ids], `member ids of ${profile}`).toHaveLength(1);
  for (const [id, profiles] of profilesById) expect([...profiles], `profiles behind ${id}`).toHaveLength(1);
}

function expectCleanPosts(posts: readonly ObservedPost[]): void {
  for (const post of posts) {
    expect(() => ObservedPost.parse(post)).not.toThrow();
    expect(isUiName(post.author.name), `author name ${post.author.name}`).toBe(false);
  }
  expectOneIdPerPerson(posts);
}

describeCorpus('generic: never chosen for a page whose site has its own adapter', () => {
  for (const page of corpusPages().filter((p) => SITES_WITH_ADAPTERS.includes(p.site))) {
    if (adapterById(page.site)) {
      it(`${page.file}: the first adapter to claim it is not generic`, () => {
        const { doc, url, close } = load(page);
        try {
          expect(detectAdapter(doc, url)?.id).not.toBe('generic');
        } finally {
          close();
        }
      });
    } else {
      it.skip(`${page.file}: SKIPPED until a '${page.site}' adapter is registered in lib/adapters/index.ts`, () => {});
    }
  }

  it('generic is the last adapter in the registry', () => {
    expect(adapters.at(-1)?.id).toBe('generic');
  });
});

describeCorpus('generic: detect on its own', () => {
  for (const page of corpusPages()) {
    const expected = GENERIC_DETECTS.has(page.file);
    it(`${page.file}: ${expected ? 'has schema.org discussion markup' : 'has no schema.org discussion markup'}`, () => {
      const { doc, url, close } = load(page);
      try {
        expect(generic.detect(doc, url)).toBe(expected);
      } finally {
        close();
      }
    });
  }
});

describeCorpus('generic: pages no site adapter covers', () => {
  const byFile = (file: string) => {
    const page = corpusPages().find((p) => p.file === file);
    if (!page) throw new Error(`${file} is not in INDEX.tsv`);
    return page;
  };

  // INDEX.tsv says "1 discussion + 4 comments", but the saved page holds 1 discussion and 2
  // comments (two li.ItemComment; the page's own gdn meta says "countComments":2).
  it('vanilla discussion: the JSON-LD opener (1 of the 3 items on the page; comments carry no markup)', () => {
    const page = byFile('vanilla/scope-discussion-4comments.html');
    const { doc, url, close } = load(page);
    try {
      expect(detectAdapter(doc, url)?.id).toBe('generic');
    } finally {
      close();
    }
    const { posts, community } = extractWith(page);
    expect(community).toMatchObject({ id: 'generic:community.scope.org.uk', name: 'Scope | Disability forum' });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toEqual({
      id: 'generic:community.scope.org.uk:/discussion/57774/copd',
      communityId: 'generic:community.scope.org.uk',
      threadId: 'generic:community.scope.org.uk:/discussion/57774/copd',
      parentId: null,
      kind: 'post',
      author: {
        id: 'generic:community.scope.org.uk:/profile/christine55',
        name: 'christine55',
        profileUrl: 'https://community.scope.org.uk/profile/christine55',
        isWeak: false,
      },
      publishedAt: '2019-03-27T21:47:34.000Z',
      url: 'https://community.scope.org.uk/discussion/57774/copd',
      text: "I have just been told I have copd and I am struggling in work but I'm not sure what to do or what to claim if I give up my job",
    });
    expectCleanPosts(posts);
  });

  it('vanilla discussion: the JSON-LD opener is badged at the visible name link', () => {
    const { doc, close } = load(byFile('vanilla/scope-discussion-4comments.html'));
    try {
      const [handle] = generic.findPosts(doc);
      expect(handle).toBeDefined();
      const anchor = generic.badgeAnchor(handle!);
      expect(anchor?.getAttribute('class')).toBe('Username');
      expect(anchor?.closest('#Discussion_57774')).not.toBeNull();
    } finally {
      close();
    }
  });

  // INDEX: "1 question + 5 answers + 8 comments" and "1 question + 2 answers + 2 comments".
  // Question and Answer are microdata; Stack Overflow's comments are not marked up, so
  // generic reads the question and the answers only.
  const STACK_OVERFLOW: Array<[string, { indexed: number; expected: number; question: string }]> = [
    ['stackoverflow/question-5answers-8comments-2019.html', { indexed: 14, expected: 6, question: 'generic:stackoverflow.com:/q/38243530' }],
    ['stackoverflow/question-2answers-2019.html', { indexed: 5, expected: 3, question: 'generic:stackoverflow.com:/q/54493924' }],
  ];
  for (const [file, { indexed, expected, question }] of STACK_OVERFLOW) {
    it(`${file}: question + answers (${expected} of INDEX ${indexed}), all with profile-keyed authors`, () => {
      const { posts, failures } = extractWith(byFile(file));
      expect(failures).toEqual([]);
      expect(posts).toHaveLength(expected);
      expect(posts.filter((post) => !post.author.isWeak && post.author.id.startsWith('generic:stackoverflow.com:/users/'))).toHaveLength(expected);
      expect(posts[0]).toMatchObject({ id: question, kind: 'post', parentId: null });
      for (const answer of posts.slice(1)) {
        expect(answer).toMatchObject({ kind: 'comment', threadId: question, parentId: question });
        expect(answer.id).toMatch(/^generic:stackoverflow\.com:\/a\/\d+$/);
        expect(answer.publishedAt).toMatch(/^20\d\d-/);
        expect(answer.text.length).toBeGreaterThan(20);
      }
      expectCleanPosts(posts);
    });
  }

  it.each(['linkedin/pulse-article-10comments-guest.html', 'twitter/legacy-status-12tweets-2017.html', 'twitter/legacy-status-with-replies-2016.html'])(
    '%s: no schema.org discussion markup, so no adapter claims it',
    (file) => {
      const { doc, url, close } = load(byFile(file));
      try {
        expect(generic.detect(doc, url)).toBe(false);
        expect(detectAdapter(doc, url)).toBeUndefined();
      } finally {
        close();
      }
    },
  );
});

describeCorpus('custom rule: vanilla discussion', () => {
  const FILE = 'vanilla/scope-discussion-4comments.html';
  // Hand-written from the page: div#Discussion_<id>.ItemDiscussion and li#Comment_<id>.ItemComment,
  // each with a.Username, div.Message, time[datetime] inside a.Permalink.
  const RULE = {
    origin: 'https://community.scope.org.uk',
    name: 'Scope',
    post: '.ItemDiscussion, .ItemComment',
    author: '.Username',
    text: '.Message',
    time: 'time',
    permalink: 'a.Permalink',
  };
  const page = () => {
    const found = corpusPages().find((p) => p.file === FILE);
    if (!found) throw new Error(`${FILE} is not in INDEX.tsv`);
    return found;
  };

  // INDEX.tsv says "1 discussion + 4 comments"; the saved page holds 1 discussion + 2 comments
  // (li#Comment_225744, li#Comment_225796; its gdn meta says "countComments":2). Expected: 3.
  const EXPECTED = 3;

  it('extracts every item on the page (1 discussion + 2 comments), all with profile-keyed authors', () => {
    const { doc, close } = load(page());
    const rule = customSiteRuleSchema(doc).parse(RULE);
    close();
    const { posts, failures, candidates } = extractWith(page(), customSiteAdapter(rule));
    expect(failures).toEqual([]);
    expect(candidates).toBe(EXPECTED);
    expect(posts).toHaveLength(EXPECTED);
    expect(posts.filter((post) => !post.author.isWeak)).toHaveLength(EXPECTED);
    const thread = 'generic:community.scope.org.uk:/discussion/57774/copd';
    expect(posts.map((post) => [post.kind, post.parentId])).toEqual([
      ['post', null],
      ['comment', thread],
      ['comment', thread],
    ]);
    // The opener gets the same id from the rule as from the schema.org reader.
    expect(posts[0]?.id).toBe(thread);
    expect(posts[0]?.author.id).toBe('generic:community.scope.org.uk:/profile/christine55');
    expect(posts[1]).toMatchObject({
      id: 'generic:community.scope.org.uk:/discussion/comment/225744/#Comment_225744',
      author: { id: 'generic:community.scope.org.uk:/profile/poppy123456', name: 'poppy123456' },
      publishedAt: '2019-03-27T23:37:25.000Z',
      url: 'https://community.scope.org.uk/discussion/comment/225744/#Comment_225744',
    });
    expect(posts.every((post) => post.threadId === thread && post.publishedAt !== null && post.text.length > 0)).toBe(true);
    expectCleanPosts(posts);
  });

  it('checkRule passes the hand-written rule and shows samples', () => {
    const { doc, url, close } = load(page());
    try {
      const check = checkRule(doc, url, RULE);
      expect(check).toMatchObject({ ok: true, posts: EXPECTED, authors: 3, problems: [] });
      expect(check.samples.map((sample) => sample.author)).toEqual(['christine55', 'poppy123456', 'CockneyRebel']);
    } finally {
      close();
    }
  });

  it('checkRule reports the problems of bad rules', () => {
    const { doc, url, close } = load(page());
    try {
      const codes = (rule: Record<string, unknown>) => checkRule(doc, url, { ...RULE, ...rule }).problems.map((problem) => problem.code);
      expect(codes({ post: '.Item[' })).toEqual(['invalid-selector']);
      expect(codes({ post: '.MessageList > li.Nope' })).toEqual(['no-posts']);
      // The role title ("Member", "Community champion") instead of the name.
      expect(codes({ author: '.RoleTitle' })).toContain('ui-author');
      expect(codes({ author: '.AuthorWrap .NoSuchName' })).toEqual(['missing-author']);
      expect(checkRule(doc, url, { ...RULE, author: '.AuthorWrap .NoSuchName' }).ok).toBe(false);
      expect(codes({ origin: 'https://www.scope.org.uk' })).toContain('origin-mismatch');
    } finally {
      close();
    }
  });
});
