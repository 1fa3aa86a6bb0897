/**
 * Id scheme (DESIGN.md "Data model"). Forum software that runs on any host gets the host in
 * its platform part, so `phpbb:forum.odroid.com` is both the community id and the prefix of
 * every member and post id seen there: a user called "sam" on two Discourse sites is two people.
 */

/** `<platform>:<scope>` — e.g. `discourse:meta.discourse.org`, `reddit:r/aww`. */
export function communityId(platform: string, scope: string): string {
  return `${platform}:${scope}`;
}

/** `<scope>:<user key>`, where scope is the community id for per-host forum software. */
export function memberId(scope: string, userKey: string): string {
  return `${scope}:${userKey}`;
}

/** Member key from a display name only: marked weak, since names are not unique. */
export function weakMemberId(scope: string, displayName: string): string {
  return `${scope}:name:${displayName.trim().toLowerCase().replace(/\s+/g, ' ')}`;
}

export function postId(scope: string, postKey: string): string {
  return `${scope}:${postKey}`;
}

/** Lowercased host without a leading `www.`: the stable name of a self-hosted forum. */
export function siteHost(url: URL): string {
  return url.hostname.toLowerCase().replace(/^www\./, '');
}
