/**
 * npm run extract -- <page.html> [--url <url>] [--adapter <id>]
 *
 * Runs the extension's own adapters over a saved page and prints one JSON object per post on
 * stdout. Exit codes: 0 posts printed (possibly none), 2 usage or unreadable file, 3 no adapter
 * claims the page.
 */
import { parseArgs } from 'node:util';
import { adapterById, detectAdapter } from '@/lib/adapters';
import { extractPage } from '@/lib/adapters/extract';
import { loadSavedPage } from './load-page';

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
  let page;
  try {
    page = await loadSavedPage(file, parsed.values.url);
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

process.exitCode = await main(process.argv.slice(2));
