import { describe, expect, it } from 'vitest';
import { extractPage } from '@/lib/adapters/extract';
import { phpbb } from '@/lib/adapters/phpbb';
import { ObservedPost } from '@/lib/model/observed';
import { fixture } from './forum-fixtures';

const now = new Date('2026-11-23T12:00:00Z');

describe('phpbb: prosilver', () => {
  const page = fixture('phpbb', 'prosilver-topic.html', 'https://board.example/viewtopic.php?f=3&t=4410');
  const C = 'phpbb:board.example';
  const result = extractPage(phpbb, page.doc, page.url, now)!;

  it('detects phpBB by markup and reads the board name', () => {
    expect(phpbb.detect(page.doc, page.url)).toBe(true);
    expect(result.community).toEqual({ id: C, platform: 'phpbb', name: 'NetBoard', url: 'https://board.example' });
    expect(phpbb.pageKind?.(page.doc, page.url)).toBe('topic');
  });

  it('keys members by board user id, guests by name (weak)', () => {
    expect(result.posts.map((post) => [post.id, post.author.id, post.author.name, post.author.isWeak])).toEqual([
      [`${C}:p90001`, `${C}:77`, 'netguy', false],
      [`${C}:p90005`, `${C}:2`, 'Admin Dana', false],
      [`${C}:p90007`, `${C}:name:guest visitor`, 'Guest Visitor', true],
    ]);
  });

  it('drops session ids from profile URLs', () => {
    expect(result.posts[0]!.author.profileUrl).toBe('https://board.example/memberlist.php?mode=viewprofile&u=77');
  });

  it('threads posts by topic; the first post of page 1 opens the thread', () => {
    expect(result.posts.map((post) => [post.kind, post.threadId, post.parentId])).toEqual([
      ['post', `${C}:t4410`, null],
      ['comment', `${C}:t4410`, `${C}:t4410`],
      ['comment', `${C}:t4410`, `${C}:t4410`],
    ]);
  });

  it('reads time[datetime], else the byline text', () => {
    expect(result.posts.map((post) => post.publishedAt)).toEqual(['2026-10-01T08:30:00.000Z', '2026-10-01T09:02:00.000Z', '2026-10-01T09:40:00.000Z']);
  });

  it('keeps only the author’s own words: no quotes, no signature', () => {
    expect(result.posts[0]!.text).toBe('After the update the power LED blinks red.\nAny way back?');
    expect(result.posts[1]!.text).toBe('Hold reset for 30 seconds.');
    for (const post of result.posts) expect(ObservedPost.safeParse(post).success).toBe(true);
  });

  it('anchors the badge on the profile-column name and finds the quick reply', () => {
    const post = page.doc.querySelector('#p90005')!;
    expect(phpbb.badgeAnchor(post)?.textContent).toBe('Admin Dana');
    expect(phpbb.replyBox(post)?.getAttribute('name')).toBe('message');
  });
});

describe('phpbb: SEO-rewritten URLs, page 2, right-to-left', () => {
  const page = fixture('phpbb', 'seo-page2.html', 'https://forum.rishtot.example/routers/question-about-routers-t512-15.html');
  const C = 'phpbb:forum.rishtot.example';
  const result = extractPage(phpbb, page.doc, page.url, now)!;

  it('reads user ids from rewritten profile links and the topic from the title link', () => {
    expect(result.community.name).toBe('פורום רשתות');
    expect(result.posts.map((post) => [post.author.id, post.author.name, post.threadId, post.kind])).toEqual([
      [`${C}:345`, 'אבי כהן', `${C}:t512`, 'comment'],
      [`${C}:20`, 'מיכל', `${C}:t512`, 'comment'],
    ]);
    expect(result.posts[0]!.publishedAt).toBe('2026-09-10T09:00:00.000Z');
  });
});

describe('phpbb: subsilver2', () => {
  const page = fixture('phpbb', 'subsilver2-topic.html', 'https://old.board.example/viewtopic.php?t=3');
  const C = 'phpbb:old.board.example';
  const result = extractPage(phpbb, page.doc, page.url, now)!;

  it('reads the table-per-post layout', () => {
    expect(phpbb.detect(page.doc, page.url)).toBe(true);
    expect(result.posts.map((post) => [post.id, post.author.id, post.author.name, post.kind, post.text])).toEqual([
      [`${C}:p12`, `${C}:2`, 'founder', 'post', 'Welcome to the new board!'],
      [`${C}:p15`, `${C}:9`, 'newbie', 'comment', 'Thanks, glad to be here.'],
    ]);
    expect(result.posts[0]!.publishedAt).toBe('2008-01-05T16:20:00.000Z');
  });
});

describe('phpbb: not phpBB', () => {
  it('rejects Discourse pages', () => {
    const page = fixture('discourse', 'ember-topic.html', 'https://community.acme.example/t/x/777');
    expect(phpbb.detect(page.doc, page.url)).toBe(false);
  });
});
