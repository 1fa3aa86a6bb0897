import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import type { KehilaDb } from './db';
import type { Community, Member, Membership, Post } from './types';

export const DEFAULT_RESPONSE_TARGET_HOURS = 24;

export interface IngestResult {
  /** Posts seen for the first time. */
  added: number;
  /** Posts seen before and updated. */
  updated: number;
  memberIds: string[];
}

/**
 * Store what a page showed: upsert the community, its members, their memberships and the
 * posts, in one transaction. A post seen again is updated in place (never duplicated) and keeps
 * its first observation time; counters move only for what is new.
 */
export async function ingestObservation(
  db: KehilaDb,
  observed: ObservedCommunity,
  posts: readonly ObservedPost[],
  now = Date.now(),
): Promise<IngestResult> {
  // The same post may arrive twice in one batch (a re-render): the last reading wins.
  const batch = [...new Map(posts.filter((post) => post.communityId === observed.id).map((post) => [post.id, post])).values()];

  return db.transaction('rw', [db.communities, db.members, db.memberships, db.posts], async () => {
    // A post belongs to the community it was first seen in. One seen again under another
    // (the old page's posts, still on screen just after an in-app navigation) is left alone.
    const known = await db.posts.bulkGet(batch.map((post) => post.id));
    const unique = batch.filter((_, index) => !known[index] || known[index]!.communityId === observed.id);
    const memberIds = [...new Set(batch.map((post) => post.author.id))];
    const authorIds = [...new Set(unique.map((post) => post.author.id))];
    const existingPosts = known.filter((_, index) => !known[index] || known[index]!.communityId === observed.id);
    const [community, existingMembers, existingMemberships] = await Promise.all([
      db.communities.get(observed.id),
      db.members.bulkGet(authorIds),
      db.memberships.bulkGet(authorIds.map((memberId) => membershipId(observed.id, memberId))),
    ]);

    const members = new Map<string, Member>();
    existingMembers.forEach((member) => member && members.set(member.id, member));
    const memberships = new Map<string, Membership>();
    existingMemberships.forEach((membership) => membership && memberships.set(membership.memberId, membership));
    let newMemberships = 0;
    let added = 0;

    const rows: Post[] = unique.map((post, index) => {
      const previous = existingPosts[index];
      const author = post.author;
      const member = members.get(author.id) ?? newMember(author, observed, now);
      member.lastSeenAt = Math.max(member.lastSeenAt, now);
      if (!member.displayNames.includes(author.name)) member.displayNames = [author.name, ...member.displayNames].slice(0, 10);
      member.profileUrl = author.profileUrl ?? member.profileUrl;
      members.set(member.id, member);

      let membership = memberships.get(author.id);
      if (!membership) {
        membership = { id: membershipId(observed.id, author.id), communityId: observed.id, memberId: author.id, firstSeenAt: now, lastSeenAt: now, postCount: 0 };
        memberships.set(author.id, membership);
        newMemberships += 1;
      }
      membership.lastSeenAt = Math.max(membership.lastSeenAt, now);
      if (!previous) {
        membership.postCount += 1;
        added += 1;
      }
      return {
        id: post.id,
        communityId: post.communityId,
        memberId: author.id,
        threadId: post.threadId,
        parentId: post.parentId,
        kind: post.kind,
        publishedAt: post.publishedAt ? Date.parse(post.publishedAt) : (previous?.publishedAt ?? null),
        firstObservedAt: previous?.firstObservedAt ?? now,
        observedAt: now,
        url: post.url ?? previous?.url ?? null,
        text: post.text,
        language: previous?.language ?? null,
        sentiment: previous?.sentiment ?? null,
        intent: previous?.intent ?? null,
      };
    });

    const base: Community = community ?? newCommunity(observed, now);
    const updatedCommunity: Community = {
      ...base,
      name: observed.name,
      url: observed.url,
      memberCount: base.memberCount + newMemberships,
      postCount: base.postCount + added,
      lastActivityAt: Math.max(base.lastActivityAt, now),
    };
    await Promise.all([
      db.communities.put(updatedCommunity),
      db.members.bulkPut([...members.values()]),
      db.memberships.bulkPut([...memberships.values()]),
      db.posts.bulkPut(rows),
    ]);
    return { added, updated: rows.length - added, memberIds };
  });
}

export function membershipId(communityId: string, memberId: string): string {
  return `${communityId}|${memberId}`;
}

function newMember(author: ObservedPost['author'], community: ObservedCommunity, now: number): Member {
  return {
    id: author.id,
    platform: community.platform,
    displayNames: [author.name],
    profileUrl: author.profileUrl,
    isWeak: author.isWeak,
    firstSeenAt: now,
    lastSeenAt: now,
    tags: [],
    role: 'member',
    linkedTo: null,
  };
}

function newCommunity(observed: ObservedCommunity, now: number): Community {
  return {
    id: observed.id,
    platform: observed.platform,
    name: observed.name,
    url: observed.url,
    audience: 'customers',
    // A community the manager opens on a site Kehila runs on is one they work in.
    tracked: 1,
    responseTargetHours: DEFAULT_RESPONSE_TARGET_HOURS,
    createdAt: now,
    memberCount: 0,
    postCount: 0,
    noteCount: 0,
    lastActivityAt: now,
  };
}
