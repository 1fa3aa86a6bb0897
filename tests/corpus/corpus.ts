/**
 * The real-page corpus: saved pages from the live sites, kept beside the checkout in
 * ../shared/pages (never copied into the project). Set KEHILA_CORPUS to read it elsewhere.
 * When it is absent the suites fail with a message saying so, unless KEHILA_SKIP_CORPUS=1
 * asks to skip them explicitly: a missing corpus must never look like a pass.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { parsePage, type LoadedPage } from '@/lib/cli/load-page';

export const CORPUS_DIR = path.resolve(process.env.KEHILA_CORPUS ?? path.join(__dirname, '../../../shared/pages'));
export const corpusAvailable = existsSync(path.join(CORPUS_DIR, 'INDEX.tsv'));

export interface CorpusPage {
  site: string;
  file: string;
  /** The INDEX.tsv row, by column name. */
  row: Record<string, string>;
}

export function corpusPages(): CorpusPage[] {
  if (!corpusAvailable) return [];
  const [header, ...lines] = readFileSync(path.join(CORPUS_DIR, 'INDEX.tsv'), 'utf8').trim().split('\n');
  const columns = (header ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const row = Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? '']));
    return { site: row.site ?? '', file: row.file ?? '', row };
  });
}

const cache = new Map<string, string>();
export function readCorpusPage(file: string): string {
  let html = cache.get(file);
  if (html === undefined) {
    html = readFileSync(path.join(CORPUS_DIR, file), 'utf8');
    cache.set(file, html);
  }
  return html;
}

/** Parse a corpus page; `url` overrides its canonical link (some pages have none). */
export function loadCorpusPage(file: string, url?: string): LoadedPage {
  return parsePage(readCorpusPage(file), url ?? fallbackUrls[file]);
}

/** Pages whose saved HTML names no usable URL of its own: where INDEX.tsv says they came from. */
const fallbackUrls: Record<string, string> = {
  'hackernews/item-ask-hn-100comments-2023.html': 'https://news.ycombinator.com/item',
  // Rendered DOM fragments saved from a logged-in news feed (INDEX.tsv render_state).
  'facebook/www-classic-newsfeed-post-rendered-2018.html': 'https://www.facebook.com/',
  'facebook/www-classic-newsfeed-ads-rendered-2017.html': 'https://www.facebook.com/',
};

/**
 * `describe` for suites that need the corpus. Absent corpus: one failing test that says where
 * it looked, or, with KEHILA_SKIP_CORPUS=1, one skipped test that says it was skipped.
 */
export function describeCorpus(name: string, body: () => void): void {
  describe(name, () => {
    if (corpusAvailable) {
      body();
    } else if (process.env.KEHILA_SKIP_CORPUS === '1') {
      it.skip(`SKIPPED: real-page corpus not found at ${CORPUS_DIR} (KEHILA_SKIP_CORPUS=1)`, () => {});
    } else {
      it(`real-page corpus at ${CORPUS_DIR}`, () => {
        throw new Error(
          `The real-page corpus was not found at ${CORPUS_DIR}. Put shared/pages beside the checkout, ` +
            'point KEHILA_CORPUS at it, or set KEHILA_SKIP_CORPUS=1 to skip these suites knowingly.',
        );
      });
    }
  });
}
