import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePage, type LoadedPage } from '@/lib/cli/load-page';

/** Load a hand-written fixture from tests/adapters/<dir>/<file> as the page at `url`. */
export function fixture(dir: string, file: string, url: string): LoadedPage {
  return parsePage(readFileSync(path.join(import.meta.dirname, dir, file), 'utf8'), url);
}
