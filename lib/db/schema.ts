import type { Table, Transaction } from 'dexie';
import type { Community, Member, Membership, Note, Post, Presence } from './types';
import { membershipId } from './keys';
import { noteCounter } from './note-count';

export interface SchemaVersion {
  version: number;
  /** The full schema at this version (Dexie: repeat every table in each version). */
  stores: Record<string, string | null>;
  /**
   * Pure data upgrade from the previous version: no fetch, no timers inside the transaction. One
   * that rewrites a large table reports how far it is (rows done of total) as it goes.
   */
  upgrade?: (tx: Transaction, progress: (done: number, total: number) => void) => Promise<void>;
}

const V1 = {
  communities: 'id, platform, tracked, lastActivityAt',
  members: 'id, platform, *tags, role, lastSeenAt, linkedTo',
  posts: 'id, communityId, memberId, threadId, [communityId+publishedAt], [communityId+observedAt]',
  notes: 'id, memberId, communityId, postId, updatedAt, expiresAt',
  interactions: 'id, kind, communityId, memberId, postId, at',
  replyTemplates: 'id, language, *intents, *tags, shortcut, lastUsedAt',
  rollups: 'id, communityId, [communityId+day]',
  alerts: 'id, communityId, kind, openedAt, resolvedAt',
};

const V2 = {
  ...V1,
  posts: 'id, communityId, memberId, threadId, [communityId+publishedAt], [communityId+observedAt], [memberId+observedAt]',
  memberships: 'id, communityId, memberId, [communityId+lastSeenAt]',
  trackedSites: 'origin',
  adapterIssues: 'id, adapter, origin, at',
};

const V3 = {
  ...V2,
  members: 'id, *tags, role, linkedTo',
  posts: 'id, threadId, [communityId+observedAt], [communityId+publishedAt], [memberId+observedAt]',
  memberships: 'id, memberId, [communityId+lastSeenAt]',
};

const V4 = { ...V3, journal: '++seq' };

/**
 * Every schema the extension has shipped, oldest first. Add a version, never edit one that
 * shipped; each new version comes with a case in tests/unit/db-migrations.test.ts.
 */
export const SCHEMA_VERSIONS: readonly SchemaVersion[] = [
  { version: 1, stores: V1 },
  {
    // v2: per-community memberships (what a badge shows, in O(1)), tracked forum origins,
    // adapter health, and member lookups by community for the popup.
    version: 2,
    stores: V2,
    upgrade: backfillMemberships,
  },
  {
    // v3: ingest writes a post, its member and its membership for every new post, and each
    // index entry is a write. The single-field posts.communityId / posts.memberId and
    // memberships.communityId repeated compound indexes that start with them (query those with
    // a range on the compound index); members.platform and members.lastSeenAt answered no query.
    // Members carry their live note count, so a badge is two key reads.
    version: 3,
    stores: V3,
    upgrade: countMemberNotes,
  },
  {
    // v4: the observation journal (journal.ts). A page's batch is stored as a few unindexed
    // rows and answered at once; the indexed tables receive it when the journal is folded.
    version: 4,
    stores: V4,
  },
  {
    // v5: each member row carries its presence in every community (Member.presence, the figures
    // of its membership rows), so a badge is one key read per member, not two: measured on a
    // million posts, a first lookup of 200 authors read 375 rows from IndexedDB at ~80 µs each.
    // No index changes.
    version: 5,
    stores: V4,
    upgrade: copyPresenceToMembers,
  },
];

/**
 * v1 → v2: derive each member's presence per community from the posts already stored, and the
 * community counters the popup reads.
 */
async function backfillMemberships(tx: Transaction): Promise<void> {
  const byId = new Map<string, Membership>();
  await tx
    .table<Post>('posts')
    .toCollection()
    .each((post) => {
      const id = membershipId(post.communityId, post.memberId);
      // observedAt is the latest sighting of a post; when it was first seen is firstObservedAt
      // (the same first/last pair ingest keeps for a membership).
      const first = post.firstObservedAt ?? post.observedAt;
      const last = post.observedAt;
      const existing = byId.get(id);
      if (existing) {
        existing.postCount += 1;
        existing.firstSeenAt = Math.min(existing.firstSeenAt, first);
        existing.lastSeenAt = Math.max(existing.lastSeenAt, last);
      } else {
        byId.set(id, { id, communityId: post.communityId, memberId: post.memberId, firstSeenAt: first, lastSeenAt: last, postCount: 1 });
      }
    });
  const memberships = [...byId.values()];
  await tx.table<Membership>('memberships').bulkPut(memberships);

  const counters = new Map<string, { memberCount: number; postCount: number; noteCount: number; lastActivityAt: number }>();
  const counterOf = (communityId: string) => {
    let counter = counters.get(communityId);
    if (!counter) counters.set(communityId, (counter = { memberCount: 0, postCount: 0, noteCount: 0, lastActivityAt: 0 }));
    return counter;
  };
  for (const membership of memberships) {
    const counter = counterOf(membership.communityId);
    counter.memberCount += 1;
    counter.postCount += membership.postCount;
    counter.lastActivityAt = Math.max(counter.lastActivityAt, membership.lastSeenAt);
  }
  await tx
    .table<Note>('notes')
    .toCollection()
    .each((note) => {
      if (note.communityId && note.deletedAt === null) counterOf(note.communityId).noteCount += 1;
    });
  await tx
    .table<Community>('communities')
    .toCollection()
    .modify((community) => {
      const counter = counters.get(community.id) ?? { memberCount: 0, postCount: 0, noteCount: 0, lastActivityAt: 0 };
      // v1 rows already had lastActivityAt (it is indexed): never move it back, e.g. to 0 for a
      // community opened before any of its posts were stored.
      Object.assign(community, { ...counter, lastActivityAt: Math.max(community.lastActivityAt ?? 0, counter.lastActivityAt) });
    });
}

/** v2 → v3: each member's live note count and the earliest expiry among those notes. */
async function countMemberNotes(tx: Transaction): Promise<void> {
  const now = Date.now();
  const notesByMember = new Map<string, Note[]>();
  await tx
    .table<Note>('notes')
    .toCollection()
    .each((note) => {
      const list = notesByMember.get(note.memberId);
      if (list) list.push(note);
      else notesByMember.set(note.memberId, [note]);
    });
  await tx
    .table<Member>('members')
    .toCollection()
    .modify((member) => {
      Object.assign(member, noteCounter(notesByMember.get(member.id) ?? [], now));
    });
}

/**
 * v4 → v5: copy every membership row's figures into its member row's `presence`. Rows are read
 * and written a chunk at a time in key order (one getAll and one bulkPut per chunk), not through
 * a cursor. Measured in Chromium on a database of 100,000 members, 112,000 memberships and
 * 300,000 posts: the first message after the update waited 24 s for the upgrade (29 s with
 * `modify()`), nearly all of it IndexedDB writing the member rows and their indexes; a manager
 * with 10,000 members waits a few seconds, once. Messages wait for it; none is lost.
 */
async function copyPresenceToMembers(tx: Transaction, progress: (done: number, total: number) => void): Promise<void> {
  const memberships = tx.table<Membership, string>('memberships');
  const members = tx.table<Member, string>('members');
  // Progress counts memberships read and members written.
  const total = (await memberships.count()) + (await members.count());
  let done = 0;
  const byMember = new Map<string, Record<string, Presence>>();
  await inChunks(memberships, (rows) => {
    for (const { communityId, memberId, firstSeenAt, lastSeenAt, postCount } of rows) {
      let presence = byMember.get(memberId);
      if (!presence) byMember.set(memberId, (presence = {}));
      presence[communityId] = { firstSeenAt, lastSeenAt, postCount };
    }
    progress((done += rows.length), total);
  });
  await inChunks(members, async (rows) => {
    for (const member of rows) member.presence = byMember.get(member.id) ?? {};
    await members.bulkPut(rows);
    progress((done += rows.length), total);
  });
}

/** Rows read and written per step of an upgrade that rewrites a table. */
const UPGRADE_CHUNK = 5_000;

/** Every row of a table keyed by `id`, `size` at a time in key order (exported for its test). */
export async function inChunks<T extends { id: string }>(table: Table<T, string>, each: (rows: T[]) => void | Promise<void>, size = UPGRADE_CHUNK): Promise<void> {
  for (let after: string | undefined; ; ) {
    const rows = await (after === undefined ? table.toCollection() : table.where(':id').above(after)).limit(size).toArray();
    if (rows.length) await each(rows);
    if (rows.length < size) return;
    after = rows.at(-1)!.id;
  }
}
