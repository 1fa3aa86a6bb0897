/**
 * The reddit adapter over the real saved pages in ../shared/pages (INDEX.tsv says what each
 * holds). Counts below are INDEX.tsv's posts_or_comments column.
 */
import { expect, it } from 'vitest';
import { extractPage } from '@/lib/adapters/extract';
import { reddit } from '@/lib/adapters/reddit';
import { ObservedPost } from '@/lib/model/observed';
import { corpusPages, describeCorpus, loadCorpusPage } from './corpus';

const OBSERVED_AT = new Date('2026-08-18T18:00:00.000Z');

interface Expectation {
  /** Posts + comments INDEX.tsv counts on the page. */
  indexed: number;
  /** Of those, items the page itself shows without an author (counted from the DOM below). */
  withoutAuthor: number;
  /** False where the opener itself is among the authorless items. */
  openerHasAuthor: boolean;
  community: string;
  thread: string;
}

const EXPECTED: Record<string, Expectation> = {
  // INDEX: "1 post + 186 comments (div.thing.comment)". Every one carries data-author.
  'reddit/old-reddit-thread-186comments-signedin-scrubbed.html': {
    indexed: 187,
    withoutAuthor: 0,
    openerHasAuthor: true,
    // The canonical link and every data-subreddit agree on r/nottheonion.
    community: 'reddit:r/nottheonion',
    thread: 'reddit:t3_1vr826t',
  },
  // INDEX: "1 shreddit-post + 25 server-rendered shreddit-comment (of 612)".
  'reddit/shreddit-thread-25comments-signedout.html': {
    indexed: 26,
    withoutAuthor: 0,
    openerHasAuthor: true,
    // The canonical link is just https://www.reddit.com/: only the DOM names the subreddit.
    community: 'reddit:r/mildlyinfuriating',
    thread: 'reddit:t3_1vrqi5a',
  },
  // INDEX: "1 post + 15 comments". Five comments are by deleted accounts (three of them
  // "Comment deleted by user", two with their text kept under u/[deleted]), and the post
  // header says "Posted by" with no author element at all: 6 items have nobody to badge.
  'reddit/new-reddit-askreddit-15comments-2022.html': {
    indexed: 16,
    withoutAuthor: 6,
    openerHasAuthor: false,
    community: 'reddit:r/askreddit',
    thread: 'reddit:t3_axtih6',
  },
  // INDEX: "1 post (div#t3_b4d5xm.Post) + 1 comment (div#t1_ej75j43)".
  'reddit/new-reddit-2019-post-1comment.html': {
    indexed: 2,
    withoutAuthor: 0,
    openerHasAuthor: true,
    community: 'reddit:r/colors',
    thread: 'reddit:t3_b4d5xm',
  },
};

// Strings of reddit's own UI that must never be taken for a person.
const UI_STRINGS = /^(\[deleted\]|\[removed\]|deleted|reply|share|save|report|posted by|level \d+|u\/.*|r\/.*|promoted|advertisement|more replies)$/i;

/** Items the saved page shows with no author, counted straight from its markup. */
function authorlessInDom(doc: Document): number {
  let count = 0;
  // Redesign: deleted accounts show a link-less "/user/[deleted]/" avatar placeholder.
  count += doc.querySelectorAll('div[id^="t1_"] [to="/user/[deleted]/"], div[id^="t1_"] a[href="/user/[deleted]/"]').length;
  // Redesign: a post header with no /user/ link.
  for (const post of Array.from(doc.querySelectorAll('div.Post[id^="t3_"]'))) {
    if (!post.querySelector('a[href*="/user/"]')) count += 1;
  }
  // Old reddit and shreddit: no author attribute, or a deleted one.
  count += doc.querySelectorAll('.thing.comment:not([data-author]), .thing[data-author="[deleted]"]').length;
  count += doc.querySelectorAll('shreddit-comment[author="[deleted]"], shreddit-comment:not([author]), shreddit-post[author="[deleted]"]').length;
  return count;
}

/** The site's own stable id of an item's author, where the page states one (t2_…). */
function accountIdOf(doc: Document, fullname: string): string | undefined {
  const thing = doc.querySelector(`.thing[data-fullname="${fullname}"]`);
  if (thing) return thing.getAttribute('data-author-fullname') ?? undefined;
  const post = doc.querySelector(`shreddit-post[id="${fullname}"]`);
  if (post) return post.getAttribute('author-id') ?? undefined;
  return doc.querySelector(`shreddit-overflow-menu[comment-id="${fullname}"][author-id]`)?.getAttribute('author-id') ?? undefined;
}

describeCorpus('reddit adapter on the real-page corpus', () => {
  const pages = corpusPages();
  const ours = pages.filter((page) => page.site === 'reddit');

  it('covers every reddit page of the corpus', () => {
    expect(ours.map((page) => page.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const page of ours) {
    const expected = EXPECTED[page.file];
    it(`${page.file}: ${page.row.posts_or_comments}`, () => {
      if (!expected) throw new Error(`no expectation for ${page.file}`);
      const { doc, url, close } = loadCorpusPage(page.file);
      try {
        expect(reddit.detect(doc, url)).toBe(true);
        const result = extractPage(reddit, doc, url, OBSERVED_AT);
        if (!result) throw new Error('no community');
        expect(result.community.id).toBe(expected.community);
        expect(result.failures).toEqual([]);

        // The page shows exactly the authorless items we account for, and the rest are found.
        expect(authorlessInDom(doc)).toBe(expected.withoutAuthor);
        const attributable = expected.indexed - expected.withoutAuthor;
        const withAuthor = result.posts.filter((post) => post.author.id.startsWith('reddit:'));
        expect(withAuthor.length).toBeGreaterThanOrEqual(Math.ceil(attributable * 0.95));
        expect(result.posts.length).toBeLessThanOrEqual(expected.indexed);

        for (const post of result.posts) {
          ObservedPost.parse(post);
          expect(post.author.name).not.toMatch(UI_STRINGS);
          expect(post.author.id).toBe(`reddit:${post.author.name.toLowerCase()}`);
          expect(post.threadId).toBe(expected.thread);
          expect(post.communityId).toBe(expected.community);
        }
        expect(result.posts.filter((post) => post.kind === 'post')).toHaveLength(expected.openerHasAuthor ? 1 : 0);

        // Different people never share a member id, and one person keeps one: checked against
        // the site's own account ids (t2_…) where the page states them, else profile URLs.
        const accountsByMember = new Map<string, Set<string>>();
        const membersByAccount = new Map<string, Set<string>>();
        for (const post of result.posts) {
          const account = accountIdOf(doc, post.id.slice('reddit:'.length)) ?? post.author.profileUrl ?? post.author.name;
          accountsByMember.set(post.author.id, (accountsByMember.get(post.author.id) ?? new Set()).add(account));
          membersByAccount.set(account, (membersByAccount.get(account) ?? new Set()).add(post.author.id));
        }
        for (const [member, accounts] of accountsByMember) expect(accounts.size, `${member} is several people`).toBe(1);
        for (const [account, members] of membersByAccount) expect(members.size, `${account} has several member ids`).toBe(1);

        // Every post has a badge anchor when it has an author.
        const anchored = reddit.findPosts(doc).filter((el) => reddit.parsePost(el, { url, community: result.community, observedAt: OBSERVED_AT }));
        for (const el of anchored) expect(reddit.badgeAnchor(el)).toBeDefined();
      } finally {
        close();
      }
    });
  }

  it('old reddit: nesting follows the .child structure (9 levels deep)', () => {
    const { doc, url, close } = loadCorpusPage('reddit/old-reddit-thread-186comments-signedin-scrubbed.html');
    try {
      const result = extractPage(reddit, doc, url, OBSERVED_AT);
      const posts = result?.posts ?? [];
      const byId = new Map(posts.map((post) => [post.id, post]));
      // Levels as INDEX.tsv counts them: the post is level 1, so comments nest 8 deep.
      const level = (id: string | null): number => {
        const post = id ? byId.get(id) : undefined;
        return post ? 1 + level(post.parentId) : 0;
      };
      expect(Math.max(...posts.map((post) => level(post.id)))).toBe(9);
      expect(posts.filter((post) => post.kind === 'comment').every((post) => post.parentId === 'reddit:t3_1vr826t')).toBe(true);
      expect(posts.filter((post) => post.kind === 'reply').every((post) => byId.has(post.parentId ?? ''))).toBe(true);
      expect(posts.every((post) => post.publishedAt !== null)).toBe(true);
    } finally {
      close();
    }
  });

  it('shreddit: parents come from parentid, times from created', () => {
    const { doc, url, close } = loadCorpusPage('reddit/shreddit-thread-25comments-signedout.html');
    try {
      const posts = extractPage(reddit, doc, url, OBSERVED_AT)?.posts ?? [];
      expect(posts.filter((post) => post.kind === 'reply')).toHaveLength(6);
      expect(posts.find((post) => post.id === 'reddit:t1_p4f9s26')).toMatchObject({
        parentId: 'reddit:t1_p4f9kch',
        publishedAt: '2026-08-18T14:22:42.992Z',
        author: { id: 'reddit:lower-elk8395' },
      });
      expect(posts.every((post) => post.publishedAt !== null && post.url?.startsWith('https://www.reddit.com/r/mildlyinfuriating/'))).toBe(true);
    } finally {
      close();
    }
  });

  it('redesign 2022: thread lines give the parents, "3 yr. ago" gives the time', () => {
    const { doc, url, close } = loadCorpusPage('reddit/new-reddit-askreddit-15comments-2022.html');
    try {
      const posts = extractPage(reddit, doc, url, OBSERVED_AT)?.posts ?? [];
      expect(posts.find((post) => post.id === 'reddit:t1_ehwn1nt')).toMatchObject({ kind: 'reply', parentId: 'reddit:t1_ehwamnx' });
      expect(posts.find((post) => post.id === 'reddit:t1_ehwfe48')).toMatchObject({
        kind: 'comment',
        parentId: 'reddit:t3_axtih6',
        publishedAt: '2023-08-18T18:00:00.000Z',
      });
    } finally {
      close();
    }
  });

  // Pages of other sites must not be claimed: neither on their own host nor, to show that the
  // DOM check holds on its own, when pretending they were served from reddit.com.
  const otherUrls: Record<string, string> = {
    'facebook/www-classic-newsfeed-post-rendered-2018.html': 'https://www.facebook.com/',
    'facebook/www-classic-newsfeed-ads-rendered-2017.html': 'https://www.facebook.com/',
  };
  for (const page of pages.filter((candidate) => candidate.site !== 'reddit')) {
    it(`does not claim ${page.file}`, () => {
      const { doc, url, close } = loadCorpusPage(page.file, otherUrls[page.file]);
      try {
        expect(reddit.detect(doc, url)).toBe(false);
        expect(reddit.detect(doc, new URL('https://www.reddit.com/r/test/'))).toBe(false);
      } finally {
        close();
      }
    });
  }
});
