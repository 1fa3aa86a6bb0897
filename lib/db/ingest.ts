import type { MemberSummary } from '@/lib/messages/schema';
import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import type { KehilaDb } from './db';
import { membershipId } from './keys';
import { currentNoteCounts, presenceIn, readThrough, summaryOf, type PendingRows } from './members';
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

/** What ingest reads before it decides anything: the stored rows the batch touches. */
export interface IngestReads {
  /** The stored post for each post of the batch, in batch order (undefined: never seen). */
  posts: readonly (Post | undefined)[];
  community: Community | undefined;
  /** By member id; only members that exist (each carries its presence in every community). */
  members: ReadonlyMap<string, Member>;
}

/** What one ingest writes, and what it answers with. */
export interface IngestPlan {
  community: Community;
  /**
   * Members and memberships that changed (new ones included). A changed membership's member is
   * among the members: its row carries the same figures (Member.presence).
   */
  members: Member[];
  memberships: Membership[];
  /** Post rows to write: new, edited, or seen again after SEEN_RESOLUTION_MS. */
  posts: Post[];
  added: number;
  updated: number;
  /** The batch's authors after this ingest, in first-seen order. */
  authors: Member[];
}

/**
 * The batch ingest stores: posts of this community only, each once (a re-render may send the
 * same post twice in one batch: the last reading wins).
 */
export function ingestBatch(observed: ObservedCommunity, posts: readonly ObservedPost[]): ObservedPost[] {
  return [...new Map(posts.filter((post) => post.communityId === observed.id).map((post) => [post.id, post])).values()];
}

/**
 * Store what a page showed, now: upsert the community, its members, their memberships and the
 * posts, in one transaction, and answer with the badge data of the batch's authors from the
 * rows it just wrote. A post seen again is updated in place (never duplicated) and keeps its
 * first observation time; counters move only for what is new. The background service worker
 * ingests through the observation journal (journal.ts), which runs this same plan.
 */
export async function ingestObservation(
  db: KehilaDb,
  observed: ObservedCommunity,
  posts: readonly ObservedPost[],
  now = Date.now(),
): Promise<IngestResult> {
  const batch = ingestBatch(observed, posts);
  return db.transaction('rw', [db.communities, db.members, db.memberships, db.posts, db.notes], async () => {
    const { reads, noteCounts } = await readForIngest(db, observed, batch, now);
    const plan = planIngest(observed, batch, reads, now);
    await Promise.all([
      db.communities.put(plan.community),
      plan.members.length ? db.members.bulkPut(plan.members) : undefined,
      plan.memberships.length ? db.memberships.bulkPut(plan.memberships) : undefined,
      plan.posts.length ? db.posts.bulkPut(plan.posts) : undefined,
    ]);
    return resultOf(plan, observed.id, noteCounts);
  });
}

/** Rows answered but not yet in the tables (the journal's): read in place of the stored ones. */
export interface PendingIngestRows extends PendingRows {
  posts: ReadonlyMap<string, Post>;
  communities: ReadonlyMap<string, Community>;
}

/**
 * What an ingest reads before it decides: the stored (or pending) rows the batch touches, and
 * the note counts its answer shows. Call inside a transaction over communities, members, posts
 * and notes.
 */
export async function readForIngest(
  db: KehilaDb,
  observed: ObservedCommunity,
  batch: readonly ObservedPost[],
  now: number,
  pending?: PendingIngestRows,
): Promise<{ reads: IngestReads; noteCounts: Map<string, number> }> {
  const memberIds = [...new Set(batch.map((post) => post.author.id))];
  const [posts, [community], members] = await Promise.all([
    readThrough({ bulkGet: (ids) => storedPosts(db, ids) }, batch.map((post) => post.id), pending?.posts),
    readThrough(db.communities, [observed.id], pending?.communities),
    readThrough(db.members, memberIds, pending?.members),
  ]);
  const noteCounts = await currentNoteCounts(db, members, now);
  return { reads: { posts, community, members: byId(members) }, noteCounts };
}

/**
 * The stored rows of these posts, in order (undefined: never stored). A page's batch is mostly
 * neighbours in key order (one thread, ids that grow): one read of the keys between its first
 * and last id says which exist. When they are most of that range (a page seen again), the
 * range's rows are read in one request; when they are few, only they are read, by key; a new
 * page reads no row. Both cost far less than a request per post (in Chromium, 500 rows read by
 * key took 26.6 ms, the same rows as one range 11.5 ms). When the range holds many other posts
 * (a feed's ids are spread out), every post is read by key. Call inside a transaction that
 * includes `posts`.
 */
export async function storedPosts(db: KehilaDb, ids: readonly string[]): Promise<(Post | undefined)[]> {
  if (ids.length < STORED_POSTS_RANGE_FROM) return db.posts.bulkGet([...ids]);
  let low = ids[0]!;
  let high = low;
  for (const id of ids) {
    if (id < low) low = id;
    else if (id > high) high = id;
  }
  const limit = ids.length * 4;
  const inRange = await db.posts.where(':id').between(low, high, true, true).limit(limit).primaryKeys();
  if (inRange.length >= limit) return db.posts.bulkGet([...ids]);
  const wanted = new Set(ids);
  const existing = inRange.filter((key) => wanted.has(key));
  if (!existing.length) return ids.map(() => undefined);
  // Most of the range is the batch's own (a page seen again): its rows in one request.
  const mostlyOurs = existing.length * 2 >= inRange.length;
  const rows = byId(mostlyOurs ? await db.posts.where(':id').between(low, high, true, true).toArray() : await db.posts.bulkGet(existing));
  return ids.map((id) => rows.get(id));
}

/** Below this many posts, reading each by key costs no more than reading the range's keys. */
const STORED_POSTS_RANGE_FROM = 8;

/** The answer to a page: how many posts were new or seen again, and each author's badge data. */
export function resultOf(plan: IngestPlan, communityId: string, noteCounts: ReadonlyMap<string, number>): IngestResult {
  return {
    added: plan.added,
    updated: plan.updated,
    summaries: plan.authors.map((member) => summaryOf(member, communityId, noteCounts.get(member.id))),
  };
}

function byId<T extends { id: string }>(rows: readonly (T | undefined)[]): Map<string, T> {
  return new Map(rows.flatMap((row) => (row ? [[row.id, row] as const] : [])));
}

/**
 * Decide what an ingest writes, from the rows it read: a pure function of (reads, batch, now),
 * so the journal can replay an observation later and reach the same rows. It does not change
 * the rows it was given (members are copied before they move).
 */
export function planIngest(observed: ObservedCommunity, batch: readonly ObservedPost[], reads: IngestReads, now: number): IngestPlan {
  // A post belongs to the community it was first seen in. One seen again under another
  // (the old page's posts, still on screen just after an in-app navigation) is left alone.
  const kept = batch.flatMap((post, index) => {
    const previous = reads.posts[index];
    return !previous || previous.communityId === observed.id ? [{ post, previous }] : [];
  });

  const members = new Map<string, Member>();
  const memberships = new Map<string, Membership>();
  const changedMembers = new Set<Member>();
  const changedMemberships = new Set<Membership>();
  let newMemberships = 0;
  let added = 0;
  const memberOf = (author: ObservedPost['author']): Member => {
    let member = members.get(author.id);
    if (!member) {
      const stored = reads.members.get(author.id);
      member = stored ? { ...stored } : newMember(author, observed, now);
      members.set(author.id, member);
      if (!stored) changedMembers.add(member);
    }
    return member;
  };
  const membershipOf = (member: Member): Membership => {
    let membership = memberships.get(member.id);
    if (!membership) {
      const stored = presenceIn(member, observed.id);
      const presence = stored ?? { firstSeenAt: now, lastSeenAt: now, postCount: 0 };
      membership = { id: membershipId(observed.id, member.id), communityId: observed.id, memberId: member.id, ...presence };
      memberships.set(member.id, membership);
      if (!stored) {
        newMemberships += 1;
        changedMemberships.add(membership);
      }
    }
    return membership;
  };

  const rows: Post[] = [];
  for (const { post, previous } of kept) {
    const author = post.author;
    const member = memberOf(author);
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

    const membership = membershipOf(member);
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
      // A post is published once. Pages print relative times ("5m", "2d") that read coarser at
      // every later visit, so the first reading (the finest) stays; a later one fills a gap.
      publishedAt: previous?.publishedAt ?? (post.publishedAt ? Date.parse(post.publishedAt) : null),
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

  // The member row carries what its membership row says (in a new object: the stored row
  // is not changed).
  for (const { memberId, firstSeenAt, lastSeenAt, postCount } of changedMemberships) {
    const member = members.get(memberId)!;
    member.presence = { ...member.presence, [observed.id]: { firstSeenAt, lastSeenAt, postCount } };
    changedMembers.add(member);
  }

  const base: Community = reads.community ?? newCommunity(observed, now);
  const community: Community = {
    ...base,
    name: observed.name,
    url: observed.url,
    memberCount: base.memberCount + newMemberships,
    postCount: base.postCount + added,
    lastActivityAt: Math.max(base.lastActivityAt, now),
  };
  // Every author of the batch, also one whose posts all belong to another community (the
  // badge still shows them, from the stored rows).
  const authorIds = [...new Set(batch.map((post) => post.author.id))];
  const authors = authorIds.flatMap((memberId) => members.get(memberId) ?? reads.members.get(memberId) ?? []);
  return {
    community,
    members: [...changedMembers],
    memberships: [...changedMemberships],
    posts: rows,
    added,
    updated: kept.length - added,
    authors,
  };
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
    presence: {},
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
