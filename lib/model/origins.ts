/** Origins and match patterns, as the permissions and scripting APIs take them. */

/** `https://forum.example.org` — scheme and host; ports are left out (see originPattern). */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.hostname}`;
}

/** `https://forum.example.org/*` — no port: a match pattern without one covers every port. */
export function originPattern(origin: string): string {
  return `${originOf(new URL(origin))}/*`;
}

export function originOfPattern(pattern: string): string | undefined {
  const match = /^(https?):\/\/([^/*:]+)(?::\d+)?\/\*$/.exec(pattern);
  return match ? `${match[1]}://${match[2]}` : undefined;
}

/** Match-pattern test for the forms Kehila uses (`*://*.host/*`, `https://host/*`). */
export function matchesPattern(pattern: string, url: URL): boolean {
  const match = /^(\*|https?):\/\/(\*\.)?([^/]+)\/(.*)$/.exec(pattern);
  if (!match) return false;
  const [, scheme, anySub, host] = match;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (scheme !== '*' && `${scheme}:` !== url.protocol) return false;
  return anySub ? url.hostname === host || url.hostname.endsWith(`.${host}`) : url.hostname === host;
}

export function isWebUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}
