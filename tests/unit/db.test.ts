import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { KehilaDb } from '@/lib/db/db';
import { ingestObservation, SEEN_RESOLUTION_MS, storedPosts } from '@/lib/db/ingest';
import { membershipId } from '@/lib/db/keys';
import { memberDetail, memberSummaries, tagMember } from '@/lib/db/members';
import { addNote, deleteNote, updateNote } from '@/lib/db/notes';
import { noteCounter } from '@/lib/db/note-count';
import type { Note } from '@/lib/db/types';
import { COMMUNITY, dumpDb, expectPresenceAsMemberships, freshDb, memberKey, observedPost, OTHER_COMMUNITY } from './helpers/db';

const T0 = Date.parse('2026-02-01T10:00:00Z');
/**
 * lib/db's NotFoundError, as callers see it. Thrown inside a Dexie transaction it comes out
 * re-wrapped by Dexie (whose own error list has a NotFoundError), so callers and the router
 * recognise it by name, not with instanceof.
 */
const NOT_FOUND = { name: 'NotFoundError' };
const HOUR = 3600_000;

let db: KehilaDb;

beforeEach(() => {
  fakeBrowser.reset();
  db = freshDb('db');
});

afterEach(() => {
  vi.restoreAllMocks();
  db.close();
});

const ann = memberKey('ann');
const bob = memberKey('bob');

describe('ingestObservation', () => {
  it('creates the community, its members, their memberships and the posts', async () => {
    const result = await ingestObservation(
      db,
      COMMUNITY,
      [
        observedPost('p1', 'ann'),
        observedPost('p2', 'bob', { kind: 'comment', parentId: `${COMMUNITY.id}:p1`, publishedAt: '2026-01-10T11:00:00+02:00' }),
        observedPost('p3', 'ann', { kind: 'reply', publishedAt: null, url: null }),
      ],
      T0,
    );

    expect(result).toMatchObject({ added: 3, updated: 0 });
    // The answer carries the badges of the batch's authors, as a lookup after the write shows them.
    expect(result.summaries).toEqual(await memberSummaries(db, COMMUNITY.id, [ann, bob], T0));
    expect(result.summaries.map((summary) => [summary.memberId, summary.postCount])).toEqual([
      [ann, 2],
      [bob, 1],
    ]);
    expect(await db.communities.toArray()).toEqual([
      {
        id: COMMUNITY.id,
        platform: 'discourse',
        name: 'Example Forum',
        url: 'https://forum.example.org',
        audience: 'customers',
        tracked: 1,
        responseTargetHours: 24,
        createdAt: T0,
        memberCount: 2,
        postCount: 3,
        noteCount: 0,
        lastActivityAt: T0,
      },
    ]);
    expect(await db.members.get(ann)).toEqual({
      id: ann,
      platform: 'discourse',
      displayNames: ['ann'],
      profileUrl: 'https://forum.example.org/u/ann',
      isWeak: false,
      firstSeenAt: T0,
      lastSeenAt: T0,
      tags: [],
      role: 'member',
      linkedTo: null,
      noteCount: 0,
      notesExpireAt: null,
      // The same figures as the membership row below: a badge reads them from here.
      presence: { [COMMUNITY.id]: { firstSeenAt: T0, lastSeenAt: T0, postCount: 2 } },
    });
    expect(await db.memberships.orderBy('id').toArray()).toEqual([
      { id: membershipId(COMMUNITY.id, ann), communityId: COMMUNITY.id, memberId: ann, firstSeenAt: T0, lastSeenAt: T0, postCount: 2 },
      { id: membershipId(COMMUNITY.id, bob), communityId: COMMUNITY.id, memberId: bob, firstSeenAt: T0, lastSeenAt: T0, postCount: 1 },
    ]);
    expect(await db.posts.get(`${COMMUNITY.id}:p2`)).toEqual({
      id: `${COMMUNITY.id}:p2`,
      communityId: COMMUNITY.id,
      memberId: bob,
      threadId: `${COMMUNITY.id}:t1`,
      parentId: `${COMMUNITY.id}:p1`,
      kind: 'comment',
      publishedAt: Date.parse('2026-01-10T09:00:00Z'),
      firstObservedAt: T0,
      observedAt: T0,
      url: 'https://forum.example.org/t/1/p2',
      text: 'Text of p2',
      language: null,
      sentiment: null,
      intent: null,
    });
    expect(await db.posts.get(`${COMMUNITY.id}:p3`)).toMatchObject({ publishedAt: null, url: null, kind: 'reply', memberId: ann });
    expect(await db.posts.count()).toBe(3);
  });

  it('updates a post seen again in place, keeping its first observation and moving no counter', async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann'), observedPost('p2', 'bob')], T0);
    // Enrichment the background adds later must survive a re-observation.
    await db.posts.update(`${COMMUNITY.id}:p1`, { language: 'en', sentiment: -0.5, intent: 'complaint' });
    const before = await dumpDb(db);

    const result = await ingestObservation(
      db,
      COMMUNITY,
      [observedPost('p1', 'ann', { text: 'Edited text', publishedAt: null, url: null })],
      T0 + HOUR,
    );

    expect(result).toMatchObject({ added: 0, updated: 1 });
    expect(result.summaries.map((summary) => summary.memberId)).toEqual([ann]);
    expect(await db.posts.count()).toBe(2);
    expect(await db.posts.get(`${COMMUNITY.id}:p1`)).toEqual({
      id: `${COMMUNITY.id}:p1`,
      communityId: COMMUNITY.id,
      memberId: ann,
      threadId: `${COMMUNITY.id}:t1`,
      parentId: null,
      kind: 'post',
      // The page no longer says when or where: what was known stays.
      publishedAt: Date.parse('2026-01-10T09:30:00Z'),
      url: 'https://forum.example.org/t/1/p1',
      firstObservedAt: T0,
      observedAt: T0 + HOUR,
      text: 'Edited text',
      language: 'en',
      sentiment: -0.5,
      intent: 'complaint',
    });
    const community = await db.communities.get(COMMUNITY.id);
    expect(community).toMatchObject({ memberCount: 2, postCount: 2, lastActivityAt: T0 + HOUR, createdAt: T0 });
    expect(await db.memberships.get(membershipId(COMMUNITY.id, ann))).toEqual({
      id: membershipId(COMMUNITY.id, ann),
      communityId: COMMUNITY.id,
      memberId: ann,
      firstSeenAt: T0,
      lastSeenAt: T0 + HOUR,
      postCount: 1,
    });
    expect(await db.members.get(ann)).toMatchObject({ firstSeenAt: T0, lastSeenAt: T0 + HOUR });
    // Bob was not on the page: nothing of his moved.
    const after = await dumpDb(db);
    expect(after.members!.find((row) => (row as { id: string }).id === bob)).toEqual(
      before.members!.find((row) => (row as { id: string }).id === bob),
    );
  });

  it('does not rewrite a member, membership or post seen again within minutes, unless something in it changed', async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann'), observedPost('p2', 'bob')], T0);
    const before = await dumpDb(db);
    const soon = T0 + SEEN_RESOLUTION_MS - 1;

    // The same page read again (a revisit, a re-render): no post, member or membership moves.
    const again = await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann'), observedPost('p2', 'bob')], soon);
    expect(again).toMatchObject({ added: 0, updated: 2 });
    const after = await dumpDb(db);
    expect(after.members).toEqual(before.members);
    expect(after.memberships).toEqual(before.memberships);
    expect(after.posts).toEqual(before.posts);

    // An edited post is written at once.
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann', { text: 'Edited' })], soon);
    expect(await db.posts.get(`${COMMUNITY.id}:p1`)).toMatchObject({ text: 'Edited', observedAt: soon, firstObservedAt: T0 });
    expect(await db.posts.get(`${COMMUNITY.id}:p2`)).toMatchObject({ observedAt: T0 });

    // A new post and a new name are written at once, whatever the time.
    await ingestObservation(db, COMMUNITY, [observedPost('p3', 'ann', { author: { name: 'Ann B.' } })], soon);
    expect(await db.members.get(ann)).toMatchObject({ displayNames: ['Ann B.', 'ann'], lastSeenAt: T0 });
    expect(await db.memberships.get(membershipId(COMMUNITY.id, ann))).toMatchObject({ postCount: 2, lastSeenAt: T0 });
    await expectPresenceAsMemberships(db);

    // Later than the resolution, last-seen and observed times move.
    await ingestObservation(db, COMMUNITY, [observedPost('p2', 'bob')], T0 + SEEN_RESOLUTION_MS);
    expect(await db.posts.get(`${COMMUNITY.id}:p2`)).toMatchObject({ observedAt: T0 + SEEN_RESOLUTION_MS, firstObservedAt: T0 });
    expect(await db.members.get(bob)).toMatchObject({ lastSeenAt: T0 + SEEN_RESOLUTION_MS });
    expect(await db.memberships.get(membershipId(COMMUNITY.id, bob))).toMatchObject({ lastSeenAt: T0 + SEEN_RESOLUTION_MS, postCount: 1 });
    await expectPresenceAsMemberships(db);
  });

  it('keeps a post’s first publication time: a relative time read again later moves nothing', async () => {
    // Read at T0 as "5m" (resolved to T0 − 5 min); a minute later the page prints "6m", and
    // resolving it again gives a time a few seconds off; days later it prints "2d".
    const first = new Date(T0 - 5 * 60_000).toISOString();
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann', { publishedAt: first }), observedPost('p2', 'bob', { publishedAt: null })], T0);
    const before = await dumpDb(db);

    const again = new Date(T0 - 5 * 60_000 + 1_234).toISOString();
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann', { publishedAt: again }), observedPost('p2', 'bob', { publishedAt: null })], T0 + 60_000);
    expect((await dumpDb(db)).posts, 'a revisit within minutes rewrites no post').toEqual(before.posts);

    const coarse = new Date(T0 - 2 * 24 * HOUR).toISOString();
    const later = new Date(T0 + 2 * 24 * HOUR).toISOString();
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann', { publishedAt: coarse }), observedPost('p2', 'bob', { publishedAt: later })], T0 + 3 * 24 * HOUR);
    // The finest reading stays; a post first read without a time takes the first one given.
    expect(await db.posts.get(`${COMMUNITY.id}:p1`)).toMatchObject({ publishedAt: Date.parse(first), observedAt: T0 + 3 * 24 * HOUR });
    expect(await db.posts.get(`${COMMUNITY.id}:p2`)).toMatchObject({ publishedAt: Date.parse(later) });
  });

  it('answers with note counts and tags as the badge shows them', async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann')], T0);
    await addNote(db, { memberId: ann, communityId: null, postId: null, body: 'met at the meetup', author: 'me' }, T0 + 1);
    await tagMember(db, ann, ['VIP'], []);

    const { summaries } = await ingestObservation(db, COMMUNITY, [observedPost('p2', 'ann')], T0 + HOUR);

    expect(summaries).toEqual([
      { memberId: ann, communityId: COMMUNITY.id, name: 'ann', postCount: 2, firstSeenAt: T0, lastSeenAt: T0 + HOUR, noteCount: 1, tags: ['VIP'], role: 'member' },
    ]);
  });

  it('counts a new post by a known member without counting the member again', async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann')], T0);
    const result = await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann'), observedPost('p2', 'ann')], T0 + HOUR);

    expect(result).toMatchObject({ added: 1, updated: 1 });
    expect(await db.communities.get(COMMUNITY.id)).toMatchObject({ memberCount: 1, postCount: 2 });
    expect(await db.memberships.get(membershipId(COMMUNITY.id, ann))).toMatchObject({ postCount: 2, firstSeenAt: T0, lastSeenAt: T0 + HOUR });
    await expectPresenceAsMemberships(db);
  });

  it('gives a member seen in a second community a second membership, and leaves the first community alone', async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann')], T0);
    const firstCommunity = await db.communities.get(COMMUNITY.id);
    // The same member id in another community (e.g. two subreddits of one platform).
    await ingestObservation(db, OTHER_COMMUNITY, [observedPost('q1', 'ann', { author: { id: ann } }, OTHER_COMMUNITY)], T0 + HOUR);

    expect(await db.members.count()).toBe(1);
    expect(await db.memberships.where('memberId').equals(ann).count()).toBe(2);
    expect(await db.communities.get(OTHER_COMMUNITY.id)).toMatchObject({ memberCount: 1, postCount: 1 });
    expect(await db.communities.get(COMMUNITY.id)).toEqual(firstCommunity);
    expect(Object.keys((await db.members.get(ann))!.presence)).toEqual([COMMUNITY.id, OTHER_COMMUNITY.id]);
    await expectPresenceAsMemberships(db);
  });

  it('stores a post that appears twice in one batch once, with the last reading', async () => {
    const result = await ingestObservation(
      db,
      COMMUNITY,
      [observedPost('p1', 'ann', { text: 'first render' }), observedPost('p1', 'ann', { text: 'second render' })],
      T0,
    );

    expect(result).toMatchObject({ added: 1, updated: 0 });
    expect(result.summaries.map((summary) => summary.memberId)).toEqual([ann]);
    expect(await db.posts.toArray()).toHaveLength(1);
    expect((await db.posts.get(`${COMMUNITY.id}:p1`))?.text).toBe('second render');
    expect(await db.communities.get(COMMUNITY.id)).toMatchObject({ memberCount: 1, postCount: 1 });
    expect(await db.memberships.get(membershipId(COMMUNITY.id, ann))).toMatchObject({ postCount: 1 });
  });

  it('ignores posts that belong to another community', async () => {
    const stray = observedPost('q1', 'eve', {}, OTHER_COMMUNITY);
    const result = await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann'), stray], T0);

    expect(result).toMatchObject({ added: 1, updated: 0 });
    expect(result.summaries.map((summary) => summary.memberId)).toEqual([ann]);
    expect(await db.posts.get(stray.id)).toBeUndefined();
    expect(await db.members.get(stray.author.id)).toBeUndefined();
    expect(await db.memberships.count()).toBe(1);
    expect(await db.communities.get(OTHER_COMMUNITY.id)).toBeUndefined();
    expect(await db.communities.get(COMMUNITY.id)).toMatchObject({ memberCount: 1, postCount: 1 });
  });

  it('remembers every display name a member used, newest first', async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann')], T0);
    await ingestObservation(db, COMMUNITY, [observedPost('p2', 'ann', { author: { name: 'Ann B.' } })], T0 + HOUR);
    await ingestObservation(db, COMMUNITY, [observedPost('p3', 'ann')], T0 + 2 * HOUR);

    expect((await db.members.get(ann))?.displayNames).toEqual(['Ann B.', 'ann']);
  });

  it('keeps what the manager set on a community when it is observed again', async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann')], T0);
    await db.communities.update(COMMUNITY.id, { audience: 'investors', tracked: 0, responseTargetHours: 4 });

    await ingestObservation(db, { ...COMMUNITY, name: 'Renamed Forum' }, [], T0 + HOUR);

    expect(await db.communities.get(COMMUNITY.id)).toMatchObject({
      name: 'Renamed Forum',
      audience: 'investors',
      tracked: 0,
      responseTargetHours: 4,
      createdAt: T0,
      memberCount: 1,
      postCount: 1,
    });
  });
});

describe('storedPosts', () => {
  const stored = async (keys: string[]) => {
    await ingestObservation(db, COMMUNITY, keys.map((key, index) => observedPost(key, index % 2 ? 'ann' : 'bob')), T0);
  };
  const ids = (keys: string[]) => keys.map((key) => `${COMMUNITY.id}:${key}`);
  const read = (keys: string[]) => db.transaction('r', db.posts, () => storedPosts(db, ids(keys)));
  const byKey = (keys: string[]) => db.posts.bulkGet(ids(keys));

  it('reads what a read by key reads, for a batch of neighbours some of which are stored', async () => {
    await stored(['c03', 'c07', 'c10', 'c12', 'zz']);
    const batch = ['c12', 'c01', 'c07', 'c05', 'c03', 'c09', 'c11', 'c02', 'c10', 'c08', 'c04', 'c06', 'c07'];
    const rows = await read(batch);
    expect(rows).toEqual(await byKey(batch));
    expect(rows.filter(Boolean).map((row) => row!.id)).toEqual(ids(['c12', 'c07', 'c03', 'c10', 'c07']));
  });

  it('reads what a read by key reads when the range between the ids holds many other posts', async () => {
    await stored(Array.from({ length: 100 }, (_, index) => `m${String(index).padStart(3, '0')}`));
    const batch = ['m000', 'new-1', 'm050', 'm099', 'new-2', 'new-3', 'new-4', 'new-5', 'new-6'];
    expect(await read(batch)).toEqual(await byKey(batch));
  });

  it('reads a batch that is most of its range in one range read, and one that is little of it by key', async () => {
    const keys = Array.from({ length: 40 }, (_, index) => `r${String(index).padStart(2, '0')}`);
    await stored(keys);
    const bulkGet = vi.spyOn(db.posts, 'bulkGet');

    // A page seen again: every post stored, the range holds nothing else.
    const revisit = [...keys].reverse();
    expect(await read(revisit)).toEqual(await byKey(revisit));
    expect(bulkGet).toHaveBeenCalledTimes(1); // byKey's own
    bulkGet.mockClear();

    // Two stored posts at the ends of a range of forty, and new ones between them.
    const sparse = ['r00', ...Array.from({ length: 10 }, (_, index) => `r${index}5x`), 'r39'];
    expect(await read(sparse)).toEqual(await byKey(sparse));
    expect(bulkGet.mock.calls[0]?.[0]).toEqual(ids(['r00', 'r39']));
  });

  it('reads what a read by key reads for a small batch, ids in any script', async () => {
    await stored(['שלום', 'ü']);
    expect(await read(['ü', 'שלום', 'x'])).toEqual(await byKey(['ü', 'שלום', 'x']));
    expect(await read(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'ü', 'שלום', 'zz'])).toEqual(await byKey(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'ü', 'שלום', 'zz']));
  });
});

describe('memberSummaries', () => {
  const note = (id: string, memberId: string, overrides: Partial<Note> = {}): Note => ({
    id,
    memberId,
    communityId: COMMUNITY.id,
    postId: null,
    body: `note ${id}`,
    author: 'me',
    createdAt: T0,
    updatedAt: T0,
    expiresAt: null,
    deletedAt: null,
    ...overrides,
  });
  /** Store notes as written before `at`, with each member's counter as notes.ts keeps it at `at`. */
  const putNotesCountedAt = async (at: number, notes: Note[]) => {
    await db.notes.bulkPut(notes);
    for (const memberId of new Set(notes.map((row) => row.memberId))) {
      await db.members.update(memberId, noteCounter(notes.filter((row) => row.memberId === memberId), at));
    }
  };

  beforeEach(async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann'), observedPost('p2', 'ann'), observedPost('p3', 'bob')], T0);
    await ingestObservation(db, OTHER_COMMUNITY, [observedPost('q1', 'cat', {}, OTHER_COMMUNITY)], T0);
    await tagMember(db, ann, ['VIP'], []);
  });

  it('reports each member’s presence in this community', async () => {
    const summaries = await memberSummaries(db, COMMUNITY.id, [ann, bob], T0 + HOUR);

    expect(summaries).toEqual([
      { memberId: ann, communityId: COMMUNITY.id, name: 'ann', postCount: 2, firstSeenAt: T0, lastSeenAt: T0, noteCount: 0, tags: ['VIP'], role: 'member' },
      { memberId: bob, communityId: COMMUNITY.id, name: 'bob', postCount: 1, firstSeenAt: T0, lastSeenAt: T0, noteCount: 0, tags: [], role: 'member' },
    ]);
  });

  it('counts live notes only: deleted and expired notes do not count', async () => {
    const now = T0 + 10 * HOUR;
    // Counted an hour in, before any of them expired; by `now` two have.
    await putNotesCountedAt(T0 + HOUR, [
      note('live', ann),
      note('no-community', ann, { communityId: null }),
      note('expires-later', ann, { expiresAt: now + HOUR }),
      note('expired', ann, { expiresAt: now - 1 }),
      note('expires-now', ann, { expiresAt: now }),
      note('deleted', ann, { body: '', deletedAt: T0 + HOUR }),
      note('bobs', bob),
    ]);
    expect(await db.members.get(ann)).toMatchObject({ noteCount: 5, notesExpireAt: now - 1 });

    const [summary] = await memberSummaries(db, COMMUNITY.id, [ann], now);
    expect(summary?.noteCount).toBe(3);
    // Before the first expiry the stored count is the answer.
    expect((await memberSummaries(db, COMMUNITY.id, [ann], now - 2))[0]?.noteCount).toBe(5);
    expect((await memberSummaries(db, COMMUNITY.id, [bob], now))[0]?.noteCount).toBe(1);
  });

  it('answers from the member row: a note count out of step with the notes shows as stored', async () => {
    // The count is kept with every note write (addNote, deleteNote); the badge reads no notes.
    await db.notes.bulkPut([note('live', ann)]);
    expect((await memberSummaries(db, COMMUNITY.id, [ann], T0))[0]?.noteCount).toBe(0);
    await db.members.update(ann, { noteCount: 1 });
    expect((await memberSummaries(db, COMMUNITY.id, [ann], T0))[0]?.noteCount).toBe(1);
  });

  it('omits unknown member ids and answers each known member once', async () => {
    const summaries = await memberSummaries(db, COMMUNITY.id, ['nobody', bob, bob, 'discourse:forum.example.org:ghost'], T0);

    expect(summaries.map((summary) => summary.memberId)).toEqual([bob]);
    expect(await memberSummaries(db, COMMUNITY.id, [], T0)).toEqual([]);
  });

  it('shows a member known elsewhere as not yet seen in this community', async () => {
    const cat = memberKey('cat', OTHER_COMMUNITY);
    const [summary] = await memberSummaries(db, COMMUNITY.id, [cat], T0);

    expect(summary).toMatchObject({ memberId: cat, communityId: COMMUNITY.id, postCount: 0, firstSeenAt: null, lastSeenAt: null });
  });
});

describe('memberDetail', () => {
  beforeEach(async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann'), observedPost('p2', 'ann')], T0);
    await ingestObservation(db, COMMUNITY, [observedPost('p3', 'ann', { author: { name: 'Ann B.' } })], T0 + HOUR);
  });

  it('returns the summary, names, profile and live notes newest first', async () => {
    const older = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'older', author: 'me' }, T0 + 2 * HOUR);
    const newer = await addNote(db, { memberId: ann, communityId: null, postId: null, body: 'newer', author: 'me' }, T0 + 3 * HOUR);
    const gone = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'gone', author: 'me' }, T0 + 4 * HOUR);
    await deleteNote(db, gone.id, T0 + 5 * HOUR);

    const detail = await memberDetail(db, ann, COMMUNITY.id, T0 + 6 * HOUR);

    expect(detail).toEqual({
      summary: {
        memberId: ann,
        communityId: COMMUNITY.id,
        name: 'Ann B.',
        postCount: 3,
        firstSeenAt: T0,
        lastSeenAt: T0 + HOUR,
        noteCount: 2,
        tags: [],
        role: 'member',
      },
      displayNames: ['Ann B.', 'ann'],
      profileUrl: 'https://forum.example.org/u/ann',
      notes: [newer, older],
    });
  });

  it('uses a community the member was seen in when none is given', async () => {
    const detail = await memberDetail(db, ann, null, T0 + 2 * HOUR);

    expect(detail.summary).toMatchObject({ communityId: COMMUNITY.id, postCount: 3 });
  });

  it('throws NotFoundError for an unknown member', async () => {
    await expect(memberDetail(db, 'discourse:forum.example.org:nobody', COMMUNITY.id)).rejects.toMatchObject(NOT_FOUND);
  });
});

describe('tagMember', () => {
  beforeEach(async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann')], T0);
  });

  it('adds tags once whatever their case, keeping the first spelling', async () => {
    expect(await tagMember(db, ann, ['VIP', 'vip', 'Lead'], [])).toEqual(['VIP', 'Lead']);
    expect(await tagMember(db, ann, ['Vip', 'LEAD', 'partner'], [])).toEqual(['VIP', 'Lead', 'partner']);
    expect((await db.members.get(ann))?.tags).toEqual(['VIP', 'Lead', 'partner']);
    expect(await db.members.where('tags').equals('partner').primaryKeys()).toEqual([ann]);
  });

  it('removes tags whatever their case', async () => {
    await tagMember(db, ann, ['VIP', 'Lead'], []);

    expect(await tagMember(db, ann, [], ['vip', 'not-there'])).toEqual(['Lead']);
    expect((await db.members.get(ann))?.tags).toEqual(['Lead']);
  });

  it('throws NotFoundError for an unknown member and creates nothing', async () => {
    const before = await dumpDb(db);

    await expect(tagMember(db, 'nobody', ['VIP'], [])).rejects.toMatchObject(NOT_FOUND);
    expect(await dumpDb(db)).toEqual(before);
  });
});

describe('notes', () => {
  beforeEach(async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann')], T0);
  });
  const noteCount = async () => (await db.communities.get(COMMUNITY.id))?.noteCount;

  it('adds a note, counts it on its community and records the interaction', async () => {
    const view = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: `${COMMUNITY.id}:p1`, body: 'Asked about pricing', author: 'Dana' }, T0 + HOUR);

    expect(view).toEqual({
      id: expect.any(String),
      memberId: ann,
      communityId: COMMUNITY.id,
      body: 'Asked about pricing',
      author: 'Dana',
      createdAt: T0 + HOUR,
      updatedAt: T0 + HOUR,
    });
    expect(await db.notes.get(view.id)).toMatchObject({ postId: `${COMMUNITY.id}:p1`, expiresAt: null, deletedAt: null });
    expect(await noteCount()).toBe(1);
    expect(await db.interactions.toArray()).toEqual([
      { id: expect.any(String), kind: 'noted', memberId: ann, communityId: COMMUNITY.id, postId: `${COMMUNITY.id}:p1`, templateId: null, at: T0 + HOUR },
    ]);
  });

  it('keeps the member’s live note count with every add and delete, in every community', async () => {
    const memberNotes = async () => (await db.members.get(ann))?.noteCount;
    const here = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'one', author: 'me' }, T0 + 1);
    await addNote(db, { memberId: ann, communityId: null, postId: null, body: 'two', author: 'me' }, T0 + 2);
    expect(await memberNotes()).toBe(2);
    await updateNote(db, here.id, 'one, edited', T0 + 3);
    expect(await memberNotes()).toBe(2);
    await deleteNote(db, here.id, T0 + 4);
    expect(await memberNotes()).toBe(1);
    expect((await memberSummaries(db, OTHER_COMMUNITY.id, [ann], T0 + 5))[0]?.noteCount).toBe(1);
  });

  it('adds a note without a community without touching any counter', async () => {
    await addNote(db, { memberId: ann, communityId: null, postId: null, body: 'Met at a conference', author: 'me' }, T0);

    expect(await noteCount()).toBe(0);
    expect(await db.notes.count()).toBe(1);
  });

  it('refuses a note about an unknown member and writes nothing', async () => {
    const before = await dumpDb(db);

    await expect(addNote(db, { memberId: 'nobody', communityId: COMMUNITY.id, postId: null, body: 'x', author: 'me' })).rejects.toMatchObject(NOT_FOUND);
    expect(await dumpDb(db)).toEqual(before);
  });

  it('updates the body and the update time only', async () => {
    const added = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'draft', author: 'me' }, T0);

    const updated = await updateNote(db, added.id, 'final', T0 + HOUR);

    expect(updated).toEqual({ ...added, body: 'final', updatedAt: T0 + HOUR });
    expect(await db.notes.get(added.id)).toMatchObject({ body: 'final', createdAt: T0, updatedAt: T0 + HOUR, deletedAt: null });
    expect(await noteCount()).toBe(1);
  });

  it('soft-deletes: a tombstone with the body erased stays, and the counter goes down once', async () => {
    const added = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'private detail', author: 'me' }, T0);

    const tombstone = await deleteNote(db, added.id, T0 + HOUR);

    expect(tombstone).toEqual({
      id: added.id,
      memberId: ann,
      communityId: COMMUNITY.id,
      postId: null,
      body: '',
      author: 'me',
      createdAt: T0,
      updatedAt: T0 + HOUR,
      expiresAt: null,
      deletedAt: T0 + HOUR,
    });
    expect(await db.notes.get(added.id)).toEqual(tombstone);
    expect(JSON.stringify(await dumpDb(db))).not.toContain('private detail');
    expect(await noteCount()).toBe(0);

    await expect(deleteNote(db, added.id, T0 + 2 * HOUR)).rejects.toMatchObject(NOT_FOUND);
    expect(await noteCount()).toBe(0);
    expect(await db.notes.get(added.id)).toEqual(tombstone);
  });

  it('keeps other notes counted when one is deleted', async () => {
    const first = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'one', author: 'me' }, T0);
    await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'two', author: 'me' }, T0);
    await deleteNote(db, first.id, T0 + HOUR);

    expect(await noteCount()).toBe(1);
  });

  it('refuses to update a deleted, expired or unknown note', async () => {
    const deleted = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'a', author: 'me' }, T0);
    await deleteNote(db, deleted.id, T0 + HOUR);
    await db.notes.put({ id: 'expired', memberId: ann, communityId: null, postId: null, body: 'old', author: 'me', createdAt: T0, updatedAt: T0, expiresAt: T0 + HOUR, deletedAt: null });
    const before = await dumpDb(db);

    await expect(updateNote(db, deleted.id, 'back from the dead', T0 + 2 * HOUR)).rejects.toMatchObject(NOT_FOUND);
    await expect(updateNote(db, 'expired', 'still here?', T0 + 2 * HOUR)).rejects.toMatchObject(NOT_FOUND);
    await expect(updateNote(db, 'no-such-note', 'x', T0 + 2 * HOUR)).rejects.toMatchObject(NOT_FOUND);
    expect(await dumpDb(db)).toEqual(before);
  });
});

describe('transactions', () => {
  beforeEach(async () => {
    await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann')], T0);
  });

  it('an ingest that fails at its last write changes nothing', async () => {
    const before = await dumpDb(db);
    // The community, member and membership writes are issued before the posts write fails.
    vi.spyOn(db.posts, 'bulkPut').mockRejectedValue(new Error('disk on fire'));

    await expect(
      ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann', { text: 'edited' }), observedPost('p2', 'bob'), observedPost('p3', 'cat')], T0 + HOUR),
    ).rejects.toThrow('disk on fire');

    vi.restoreAllMocks();
    expect(await dumpDb(db)).toEqual(before);
  });

  it('an ingest of a brand-new community that fails part-way leaves no trace of it', async () => {
    const before = await dumpDb(db);
    vi.spyOn(db.memberships, 'bulkPut').mockRejectedValue(new Error('boom'));

    await expect(ingestObservation(db, OTHER_COMMUNITY, [observedPost('q1', 'eve', {}, OTHER_COMMUNITY)], T0 + HOUR)).rejects.toThrow('boom');

    vi.restoreAllMocks();
    expect(await dumpDb(db)).toEqual(before);
  });

  it('a note whose interaction cannot be recorded is not added and not counted', async () => {
    const before = await dumpDb(db);
    vi.spyOn(db.interactions, 'add').mockRejectedValue(new Error('no room'));

    await expect(addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'x', author: 'me' }, T0 + HOUR)).rejects.toThrow('no room');

    vi.restoreAllMocks();
    expect(await dumpDb(db)).toEqual(before);
  });
});
