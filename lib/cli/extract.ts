/**
 * npm run extract -- <page.html> [--url <url>] [--adapter <id>]
 *
 * Runs the extension's own adapters over a saved page and prints one JSON object per post on
 * stdout. Exit codes: 0 posts printed (possibly none), 2 usage or unreadable file, 3 no adapter
 * claims the page.
 */
import { parseArgs } from 'node:util';
import { adapterById, adapters, detectAdapter } from '@/lib/adapters';
import { extractPage } from '@/lib/adapters/extract';
import { readFile } from 'node:fs/promises';
import { parsePage, statedPageUrl, type LoadedPage } from './load-page';

const USAGE = 'usage: npm run extract -- <page.html> [--url <url>] [--adapter <id>]';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { url: { type: 'string' }, adapter: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [file] = parsed.positionals;
  if (!file || parsed.positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let page: LoadedPage;
  try {
    const html = await readFile(file, 'utf8');
    const url = parsed.values.url ?? statedPageUrl(html);
    page = url ? parsePage(html, url) : guessSite(html, file);
  } catch (error) {
    process.stderr.write(`extract: ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const adapter = parsed.values.adapter ? adapterById(parsed.values.adapter) : detectAdapter(page.doc, page.url);
    if (!adapter) {
      process.stderr.write(
        parsed.values.adapter
          ? `extract: no adapter called "${parsed.values.adapter}"\n`
          : `extract: no adapter recognises ${file} (${page.url.href})\n`,
      );
      return 3;
    }
    adapter.prepareSavedPage?.(page.doc);
    const result = extractPage(adapter, page.doc, page.url);
    if (!result) {
      process.stderr.write(`extract: ${adapter.id} recognises the page but finds no community in it\n`);
      return 3;
    }
    const lines = result.posts.map((post) =>
      JSON.stringify({
        adapter: adapter.id,
        communityId: post.communityId,
        id: post.id,
        kind: post.kind,
        parentId: post.parentId,
        author: { id: post.author.id, name: post.author.name, profileUrl: post.author.profileUrl },
        publishedAt: post.publishedAt,
        text: post.text,
      }),
    );
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
    for (const failure of result.failures) {
      process.stderr.write(`extract: ${adapter.id}: ${failure.where}: ${failure.message}\n`);
    }
    process.stderr.write(`extract: ${adapter.id}: ${result.posts.length} posts of ${result.candidates} candidates\n`);
    return 0;
  } finally {
    page.close();
  }
}

/**
 * A saved fragment may state no address of its own. The sites with fixed hosts are tried
 * (their adapters want the host as well as the markup), then an unknown host for forum
 * software, which is recognised by markup alone. Said on stderr, since ids then depend on it.
 */
function guessSite(html: string, file: string): LoadedPage {
  const hosts = [...new Set(adapters.flatMap((adapter) => adapter.matches))]
    .map((pattern) => /^\*:\/\/([^*/]+)\//.exec(pattern)?.[1])
    .filter((host): host is string => Boolean(host));
  for (const host of [...hosts, 'unknown.invalid']) {
    const page = parsePage(html, `https://${host}/`);
    if (detectAdapter(page.doc, page.url)) {
      process.stderr.write(`extract: ${file} states no URL; read as a page of ${host} (pass --url to be exact)\n`);
      return page;
    }
    page.close();
  }
  throw new Error('The page states no URL and no adapter recognises it on any known host; pass one with --url <url>.');
}

process.exitCode = await main(process.argv.slice(2));
