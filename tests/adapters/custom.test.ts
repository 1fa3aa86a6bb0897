import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRule, customSiteAdapter, customSiteRuleSchema, isValidSelector, parseCustomSiteRule } from '@/lib/adapters/custom';
import { extractPage } from '@/lib/adapters/extract';
import { generic } from '@/lib/adapters/generic';
import { parsePage } from '@/lib/cli/load-page';
import { ObservedPost } from '@/lib/model/observed';

const observedAt = new Date('2024-04-11T18:00:00Z');
const PAGE = 'https://talk.gardeners.example:8443/thread/55-garden-tools';

function fixture(url = PAGE) {
  return parsePage(readFileSync(path.join(__dirname, 'custom', 'forum.html'), 'utf8'), url);
}

const goodRule = {
  origin: 'https://Talk.Gardeners.example:8443/',
  post: 'article.msg',
  author: '.who .uname',
  text: '.body',
  time: '.when, time',
  permalink: 'a.perma',
};

function rule(overrides: Record<string, unknown> = {}) {
  const { doc } = fixture();
  return customSiteRuleSchema(doc).parse({ ...goodRule, ...overrides });
}

describe('custom: rule schema', () => {
  it('normalises the origin and keeps valid selectors', () => {
    const { doc } = fixture();
    expect(customSiteRuleSchema(doc).parse(goodRule)).toEqual({ ...goodRule, origin: 'https://talk.gardeners.example:8443' });
  });

  it.each([
    ['forum.example.com', 'no scheme'],
    ['https://forum.example.com/threads', 'a path'],
    ['ftp://forum.example.com', 'not http'],
    ['https://', 'no host'],
  ])('rejects the origin %s (%s)', (origin) => {
    const { doc } = fixture();
    expect(customSiteRuleSchema(doc).safeParse({ ...goodRule, origin }).success).toBe(false);
  });

  it.each(['div[', 'a:::b', '.x {color:red}', '>>', ''])('rejects the selector %j, tested in jsdom', (selector) => {
    const { doc } = fixture();
    expect(customSiteRuleSchema(doc).safeParse({ ...goodRule, author: selector }).success).toBe(false);
    expect(customSiteRuleSchema(doc).safeParse({ ...goodRule, post: selector }).success).toBe(false);
  });

  it('accepts a relative selector that starts with ">" for fields inside the post', () => {
    const { doc } = fixture();
    expect(customSiteRuleSchema(doc).safeParse({ ...goodRule, author: '> .who .uname' }).success).toBe(true);
    expect(isValidSelector('> .who', doc, true)).toBe(true);
    expect(isValidSelector('> .who', doc, false)).toBe(false);
  });

  it('requires post and author', () => {
    const { doc } = fixture();
    const { post: _post, ...withoutPost } = goodRule;
    expect(customSiteRuleSchema(doc).safeParse(withoutPost).success).toBe(false);
    expect(customSiteRuleSchema(doc).safeParse({ ...goodRule, author: undefined }).success).toBe(false);
  });

  it('falls back to a rough syntax check where there is no DOM (background worker)', () => {
    // vitest's node environment has no global document.
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    expect(parseCustomSiteRule(goodRule).success).toBe(true);
    expect(parseCustomSiteRule({ ...goodRule, post: 'div[' }).success).toBe(false);
    expect(parseCustomSiteRule({ ...goodRule, post: '.x { color: red }' }).success).toBe(false);
  });
});

describe('custom: adapter', () => {
  it('detects its own origin only, and only with posts on the page', () => {
    const adapter = customSiteAdapter(rule());
    const { doc, url } = fixture();
    expect(adapter.detect(doc, url)).toBe(true);
    expect(adapter.detect(doc, new URL('https://talk.gardeners.example/thread/55-garden-tools'))).toBe(false);
    const empty = parsePage('<html><body><p>Home</p></body></html>', PAGE);
    expect(adapter.detect(empty.doc, empty.url)).toBe(false);
    expect(adapter.matches).toEqual(['https://talk.gardeners.example/*']);
    // The generic reader does not claim this page: it has no schema.org markup.
    expect(generic.detect(doc, url)).toBe(false);
  });

  it('extracts posts with generic ids, skipping deleted and guest posts', () => {
    const adapter = customSiteAdapter(rule({ name: 'Gardeners' }));
    const { doc, url } = fixture();
    const result = extractPage(adapter, doc, url, observedAt)!;
    for (const post of result.posts) ObservedPost.parse(post);
    expect(result.community).toEqual({
      id: 'generic:talk.gardeners.example',
      platform: 'generic',
      name: 'Gardeners',
      url: 'https://talk.gardeners.example:8443',
    });
    expect(result.candidates).toBe(5);
    const scope = 'generic:talk.gardeners.example';
    const thread = `${scope}:/thread/55-garden-tools`;
    expect(result.posts.map((post) => [post.id, post.kind, post.parentId, post.threadId])).toEqual([
      [thread, 'post', null, thread],
      [`${scope}:/thread/55-garden-tools/m/9001`, 'comment', thread, thread],
      [`${scope}:/thread/55-garden-tools#m-9004`, 'comment', thread, thread],
    ]);
  });

  it('reads authors, times, text and permalinks', () => {
    const adapter = customSiteAdapter(rule());
    const { doc, url } = fixture();
    const [opener, second, third] = extractPage(adapter, doc, url, observedAt)!.posts;
    expect(opener).toMatchObject({
      author: {
        id: 'generic:talk.gardeners.example:/members/8841-tamar',
        name: 'Tamar G',
        // The session id is not part of the person.
        profileUrl: 'https://talk.gardeners.example:8443/members/8841-tamar',
        isWeak: false,
      },
      publishedAt: '2024-04-10T07:30:00.000Z', // ISO title
      url: 'https://talk.gardeners.example:8443/thread/55-garden-tools',
      text: 'איזה מזמרה אתם ממליצים?\nquoted',
    });
    expect(second).toMatchObject({
      author: { id: 'generic:talk.gardeners.example:/members/120-yossi', name: 'Yossi' },
      publishedAt: '2024-04-10T09:05:00.000Z', // "April 10, 2024 9:05 AM"
      url: 'https://talk.gardeners.example:8443/thread/55-garden-tools/m/9001',
      text: 'Felco 2, בלי ספק.',
    });
    expect(third).toMatchObject({
      author: { id: 'generic:talk.gardeners.example:name:shira', isWeak: true, profileUrl: null },
      publishedAt: '2024-04-11T16:20:00.000Z',
      url: 'https://talk.gardeners.example:8443/thread/55-garden-tools#m-9004',
    });
  });

  it('uses the whole post minus author and time as text when no text selector is given', () => {
    const adapter = customSiteAdapter(rule({ text: undefined }));
    const { doc, url } = fixture();
    const post = extractPage(adapter, doc, url, observedAt)!.posts[1];
    expect(post?.text).toContain('Felco 2');
    expect(post?.text).not.toContain('Yossi');
  });

  it('finds posts in a subtree and badges the author element', () => {
    const adapter = customSiteAdapter(rule());
    const { doc } = fixture();
    const second = doc.getElementById('m-9001')!;
    expect(adapter.findPosts(second)).toEqual([second]);
    expect(adapter.findPosts(doc.querySelector('.messages')!)).toHaveLength(5);
    expect(adapter.badgeAnchor(second)?.textContent).toBe('Yossi');
    expect(adapter.replyBox(doc.getElementById('m-9004')!)?.tagName).toBe('TEXTAREA');
    expect(adapter.replyBox(second)).toBeUndefined();
  });

  it('reports a selector the engine rejects as needing attention', () => {
    const adapter = customSiteAdapter({ ...rule(), author: 'a[' });
    const { doc, url } = fixture();
    const result = extractPage(adapter, doc, url, observedAt)!;
    expect(result.posts).toEqual([]);
    expect(result.failures[0]?.message).toMatch(/author selector "a\[" .* not valid CSS/);
  });
});

describe('custom: checkRule', () => {
  it('passes a good rule with counts and samples', () => {
    const { doc, url } = fixture();
    const check = checkRule(doc, url, goodRule);
    expect(check.ok).toBe(true);
    expect(check.posts).toBe(5);
    expect(check.authors).toBe(3);
    expect(check.samples).toEqual([
      { author: 'Tamar G', text: 'איזה מזמרה אתם ממליצים?\nquoted' },
      { author: 'Yossi', text: 'Felco 2, בלי ספק.' },
      { author: 'Shira', text: 'Thanks Yossi, ordered one.' },
    ]);
    // The deleted user and the guest post are worth a look, not a failure.
    expect(check.problems.map((problem) => [problem.code, problem.severity])).toEqual([
      ['missing-author', 'warning'],
      ['ui-author', 'warning'],
    ]);
  });

  it('reports invalid selectors and a bad origin with stable codes', () => {
    const { doc, url } = fixture();
    const check = checkRule(doc, url, { ...goodRule, origin: 'talk.gardeners.example', post: 'article[', time: '' });
    expect(check.ok).toBe(false);
    expect(check.problems.map((problem) => [problem.code, problem.field])).toEqual([
      ['invalid-origin', 'origin'],
      ['invalid-selector', 'post'],
      ['missing-selector', 'time'],
    ]);
    expect(check.problems[1]?.message).toBe('The post selector "article[" is not valid CSS.');
  });

  it('reports zero posts', () => {
    const { doc, url } = fixture();
    const check = checkRule(doc, url, { ...goodRule, post: '.post-row' });
    expect(check).toMatchObject({ ok: false, posts: 0, authors: 0, samples: [] });
    expect(check.problems[0]).toMatchObject({ code: 'no-posts', field: 'post' });
    expect(check.problems[0]?.message).toContain('".post-row"');
  });

  it('reports posts without authors', () => {
    const { doc, url } = fixture();
    const check = checkRule(doc, url, { ...goodRule, author: '.poster-name' });
    expect(check.ok).toBe(false);
    expect(check.problems[0]).toMatchObject({ code: 'missing-author', severity: 'error' });
    expect(check.problems[0]?.message).toBe('None of the 5 posts contains an element matching the author selector ".poster-name".');
  });

  it('reports authors that are UI strings', () => {
    const { doc, url } = fixture();
    const buttons = checkRule(doc, url, { ...goodRule, author: '.actions button' });
    expect(buttons.problems.find((problem) => problem.code === 'ui-author')?.message).toBe(
      'The author selector finds page text rather than names in 2 posts: "Reply".',
    );
    const ranks = checkRule(doc, url, { ...goodRule, author: '.rank' });
    expect(ranks.problems.find((problem) => problem.code === 'ui-author')?.message).toContain('"Member"');
  });

  it('warns when every post has the same author, or authors look like whole blocks', () => {
    const page = (author: (n: number) => string) =>
      parsePage(`<html><body>${[1, 2, 3].map((n) => `<div class="p">${author(n)}<p>Post ${n}</p></div>`).join('')}</body></html>`, PAGE);
    const options = { ...goodRule, post: '.p', author: '.u', text: 'p', time: undefined, permalink: undefined };
    const toolbar = page(() => '<a class="u" href="/login">Log in now</a>');
    expect(checkRule(toolbar.doc, toolbar.url, options).problems.map((problem) => problem.code)).toEqual(['same-author']);
    const blocks = page((n) => `<div class="u">Posted ${n} days ago by someone in the gardening tools section of the forum</div>`);
    expect(checkRule(blocks.doc, blocks.url, options).problems.map((problem) => problem.code)).toEqual(['long-author']);
  });

  it('reports a rule for another origin', () => {
    const { doc } = fixture();
    const check = checkRule(doc, new URL('https://other.example.com/t/1'), goodRule);
    expect(check.ok).toBe(false);
    expect(check.problems[0]).toMatchObject({ code: 'origin-mismatch', field: 'origin' });
  });

  it('warns about optional selectors that find nothing', () => {
    const { doc, url } = fixture();
    const check = checkRule(doc, url, { ...goodRule, text: '.content', time: '.rank', permalink: '.nope' });
    expect(check.ok).toBe(true);
    expect(check.problems.map((problem) => problem.code)).toEqual(['missing-author', 'ui-author', 'no-text', 'no-time', 'no-permalink']);
  });

  it('rejects input that is not a rule at all', () => {
    const { doc, url } = fixture();
    const check = checkRule(doc, url, 'post: article');
    expect(check.ok).toBe(false);
    expect(check.problems.length).toBeGreaterThan(0);
  });
});
