import type { MemberSummary } from '@/lib/messages/schema';
import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import type { KehilaDb } from './db';
import { membershipId } from './keys';
import { currentNoteCounts, summaryOf } from './members';
import type { Community, Member, Membership, Post } from './types';

export const DEFAULT_RESPONSE_TARGET_HOURS = 24;

export interface IngestResult {
  /** Posts seen for the first time. */
  added: number;
  /** Posts seen before and updated. */
  updated: number;
  /** Badge data for every author in the batch, from the rows this ingest wrote. */
  summaries: MemberSummary[];
}

/**
 * A member, membership or post seen again within this long keeps its stored last-seen
 * (observed) time, so a page re-read (a revisit, a re-render, the next scroll batch) does not
 * rewrite rows that did not change. Counters, names and a post's text are always written when
 * they change.
 */
export const SEEN_RESOLUTION_MS = 10 * 60_000;

/**
 * Store what a page showed: upsert the community, its members, their memberships and the
 * posts, in one transaction, and answer with the badge data of the batch's authors from the
 * rows it just wrote. A post seen again is updated in place (never duplicated) and keeps its
 * first observation time; counters move only for what is new.
 */
export async function ingestObservation(
  db: KehilaDb,
  observed: ObservedCommunity,
  posts: readonly ObservedPost[],
  now = Date.now(),
): Promise<IngestResult> {
  // The same post may arrive twice in one batch (a re-render): the last reading wins.
  const batch = [...new Map(posts.filter((post) => post.communityId === observed.id).map((post) => [post.id, post])).values()];
  const memberIds = [...new Set(batch.map((post) => post.author.id))];

  return db.transaction('rw', [db.communities, db.members, db.memberships, db.posts, db.notes], async () => {
    const [known, community, existingMembers, existingMemberships] = await Promise.all([
      db.posts.bulkGet(batch.map((post) => post.id)),
      db.communities.get(observed.id),
      db.members.bulkGet(memberIds),
      db.memberships.bulkGet(memberIds.map((memberId) => membershipId(observed.id, memberId))),
    ]);
    // A post belongs to the community it was first seen in. One seen again under another
    // (the old page's posts, still on screen just after an in-app navigation) is left alone.
    const kept = batch.flatMap((post, index) => (!known[index] || known[index].communityId === observed.id ? [{ post, previous: known[index] }] : []));

    const members = new Map<string, Member>();
    existingMembers.forEach((member) => member && members.set(member.id, member));
    const memberships = new Map<string, Membership>();
    existingMemberships.forEach((membership) => membership && memberships.set(membership.memberId, membership));
    const changedMembers = new Set<Member>();
    const changedMemberships = new Set<Membership>();
    let newMemberships = 0;
    let added = 0;

    const rows: Post[] = [];
    for (const { post, previous } of kept) {
      const author = post.author;
      let member = members.get(author.id);
      if (!member) {
        member = newMember(author, observed, now);
        members.set(member.id, member);
        changedMembers.add(member);
      }
      if (now - member.lastSeenAt >= SEEN_RESOLUTION_MS) {
        member.lastSeenAt = now;
        changedMembers.add(member);
      }
      if (!member.displayNames.includes(author.name)) {
        member.displayNames = [author.name, ...member.displayNames].slice(0, 10);
        changedMembers.add(member);
      }
      if (author.profileUrl && author.profileUrl !== member.profileUrl) {
        member.profileUrl = author.profileUrl;
        changedMembers.add(member);
      }

      let membership = memberships.get(author.id);
      if (!membership) {
        membership = { id: membershipId(observed.id, author.id), communityId: observed.id, memberId: author.id, firstSeenAt: now, lastSeenAt: now, postCount: 0 };
        memberships.set(author.id, membership);
        newMemberships += 1;
        changedMemberships.add(membership);
      }
      if (now - membership.lastSeenAt >= SEEN_RESOLUTION_MS) {
        membership.lastSeenAt = now;
        changedMemberships.add(membership);
      }
      if (!previous) {
        membership.postCount += 1;
        changedMemberships.add(membership);
        added += 1;
      }
      const row: Post = {
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
      // A page read again minutes later shows mostly the same posts: rewriting each (a row and
      // four index entries) would change nothing but its observation time.
      if (!previous || now - previous.observedAt >= SEEN_RESOLUTION_MS || !samePost(previous, row)) rows.push(row);
    }

    const base: Community = community ?? newCommunity(observed, now);
    const updatedCommunity: Community = {
      ...base,
      name: observed.name,
      url: observed.url,
      memberCount: base.memberCount + newMemberships,
      postCount: base.postCount + added,
      lastActivityAt: Math.max(base.lastActivityAt, now),
    };
    const authors = memberIds.map((memberId) => members.get(memberId));
    const [noteCounts] = await Promise.all([
      currentNoteCounts(db, authors, now),
      db.communities.put(updatedCommunity),
      changedMembers.size ? db.members.bulkPut([...changedMembers]) : undefined,
      changedMemberships.size ? db.memberships.bulkPut([...changedMemberships]) : undefined,
      rows.length ? db.posts.bulkPut(rows) : undefined,
    ]);
    const summaries = authors.flatMap((member) =>
      member ? [summaryOf(member, memberships.get(member.id), observed.id, noteCounts.get(member.id))] : [],
    );
    return { added, updated: kept.length - added, summaries };
  });
}

/** Everything a page can change in a post is the same (its observation time aside). */
function samePost(a: Post, b: Post): boolean {
  return (
    a.text === b.text &&
    a.publishedAt === b.publishedAt &&
    a.url === b.url &&
    a.memberId === b.memberId &&
    a.threadId === b.threadId &&
    a.parentId === b.parentId &&
    a.kind === b.kind
  );
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
    noteCount: 0,
    notesExpireAt: null,
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
