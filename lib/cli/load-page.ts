import { readFile } from 'node:fs/promises';
import { JSDOM } from 'jsdom';

export interface LoadedPage {
  doc: Document;
  url: URL;
  /** Release the DOM's memory (jsdom keeps a window per page). */
  close(): void;
}

/**
 * Parse a saved page with jsdom, scripts off, as a crawler would see it. The page's URL is
 * `url` when given, else its canonical link, else its `og:url`; without one of those the
 * adapters could not tell which community it is, so this throws.
 */
export async function loadSavedPage(file: string, url?: string): Promise<LoadedPage> {
  const html = await readFile(file, 'utf8');
  return parsePage(html, url);
}

/** The address a saved page states for itself (canonical, og:url, <base>), if any. */
export function statedPageUrl(html: string): string | undefined {
  return findPageUrl(html);
}

export function parsePage(html: string, url?: string): LoadedPage {
  const pageUrl = url ?? findPageUrl(html);
  if (!pageUrl) {
    throw new Error('The page names no canonical URL; pass one with --url <url>.');
  }
  const dom = new JSDOM(html, { url: pageUrl });
  return { doc: dom.window.document, url: new URL(pageUrl), close: () => dom.window.close() };
}

function findPageUrl(html: string): string | undefined {
  // A cheap first parse of the head alone: the real parse needs the URL up front.
  const headEnd = html.indexOf('</head>');
  const head = new JSDOM(headEnd > 0 ? html.slice(0, headEnd + 7) : html).window.document;
  const base = absolute(head.querySelector('base[href]')?.getAttribute('href'));
  const candidates = [
    head.querySelector('link[rel="canonical"]')?.getAttribute('href'),
    head.querySelector('meta[property="og:url"]')?.getAttribute('content'),
  ];
  for (const candidate of candidates) {
    const url = absolute(candidate, base);
    if (url) return url;
  }
  return base;
}

function absolute(href: string | null | undefined, base?: string): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
