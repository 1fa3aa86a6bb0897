/** Primary keys built from other keys. */

/** A member's presence in one community. */
export function membershipId(communityId: string, memberId: string): string {
  return `${communityId}|${memberId}`;
}
