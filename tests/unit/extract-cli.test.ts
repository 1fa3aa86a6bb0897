/** `npm run extract`: the adapters over a saved page, one JSON object per post. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
function extract(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/extract.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const lines = run.stdout.trim() ? run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) : [];
  return { code: run.status, lines, stderr: run.stderr };
}

describe('extract CLI', () => {
  it('prints one object per post with exactly the documented fields', () => {
    const { code, lines } = extract('tests/adapters/phpbb/prosilver-topic.html', '--url', 'https://board.example/viewtopic.php?t=4410');
    expect(code).toBe(0);
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0]!)).toEqual(['adapter', 'communityId', 'id', 'kind', 'parentId', 'author', 'publishedAt', 'text']);
    expect(lines[0]).toMatchObject({
      adapter: 'phpbb',
      communityId: 'phpbb:board.example',
      id: 'phpbb:board.example:p90001',
      kind: 'post',
      parentId: null,
      author: { id: 'phpbb:board.example:77', name: 'netguy', profileUrl: 'https://board.example/memberlist.php?mode=viewprofile&u=77' },
      publishedAt: '2026-10-01T08:30:00.000Z',
    });
  });

  it('defaults --url to the canonical link', () => {
    const { code, lines } = extract('tests/adapters/discourse/crawler-topic.html');
    expect(code).toBe(0);
    expect(lines.map((line) => line.id)).toEqual(['discourse:community.acme.example:t777/1', 'discourse:community.acme.example:t777/2']);
  });

  it('reads a page that states no URL by recognising its site, and says so', () => {
    const { code, lines, stderr } = extract('tests/unit/fixtures/no-url-hn.html');
    expect(code).toBe(0);
    expect(stderr).toContain('read as a page of news.ycombinator.com');
    expect(lines.map((line) => (line.author as { id: string }).id)).toEqual(['hackernews:maker', 'hackernews:critic']);
  });

  it('exits 3 with a message when no adapter recognises the page', () => {
    const { code, lines, stderr } = extract('lib/demo/pages/index.html', '--url', 'https://example.org/');
    expect(code).toBe(3);
    expect(lines).toEqual([]);
    expect(stderr).toContain('no adapter recognises');
  });

  it('exits 2 on a missing file or bad arguments', () => {
    expect(extract('no/such/file.html').code).toBe(2);
    expect(extract().code).toBe(2);
  });
});
