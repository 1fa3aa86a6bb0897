/**
 * The observation journal (lib/db/journal.ts): batches answered from pending rows, folded into
 * the tables later, replayed by the next worker if this one stops first. The yardstick
 * throughout is the direct ingest (ingestObservation): whatever the journal answers and
 * whatever it leaves in the tables must be exactly what the direct ingest answers and leaves.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { KehilaDb } from '@/lib/db/db';
import { ingestObservation, SEEN_RESOLUTION_MS, type IngestResult } from '@/lib/db/ingest';
import { JOURNAL_ROW_POSTS, ObservationJournal } from '@/lib/db/journal';
import { memberSummaries } from '@/lib/db/members';
import type { JournalEntry } from '@/lib/db/types';
import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import { COMMUNITY, dumpDb, freshDb, memberKey, observedPost, OTHER_COMMUNITY } from './helpers/db';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const MINUTE = 60_000;

interface Step {
  community: ObservedCommunity;
  posts: ObservedPost[];
  at: number;
}

/** A day of a manager's reading: new posts, a revisit, edits, new names, another community, a long thread. */
function session(): Step[] {
  const long = Array.from({ length: JOURNAL_ROW_POSTS * 2 + 17 }, (_, index) =>
    observedPost(`long-${index}`, ['ann', 'bob', 'cat', 'dan'][index % 4]!, { threadId: `${COMMUNITY.id}:t-long`, kind: index ? 'comment' : 'post' }),
  );
  return [
    { community: COMMUNITY, at: T0, posts: [observedPost('p1', 'ann'), observedPost('p2', 'bob', { kind: 'comment' })] },
    // The same page a minute later: nothing new.
    { community: COMMUNITY, at: T0 + MINUTE, posts: [observedPost('p1', 'ann'), observedPost('p2', 'bob', { kind: 'comment' })] },
    // An edit, a renamed author, a newcomer, and one post twice in the batch (the last reading wins).
    {
      community: COMMUNITY,
      at: T0 + 2 * MINUTE,
      posts: [
        observedPost('p1', 'ann', { text: 'edited' }),
        observedPost('p3', 'bob', { author: { name: 'Bob B.' } }),
        observedPost('p4', 'eve'),
        observedPost('p4', 'eve', { text: 'second reading' }),
      ],
    },
    // A post of another community in this community's batch is left out.
    { community: COMMUNITY, at: T0 + 3 * MINUTE, posts: [observedPost('p5', 'ann'), observedPost('x1', 'ann', {}, OTHER_COMMUNITY)] },
    { community: OTHER_COMMUNITY, at: T0 + 4 * MINUTE, posts: [observedPost('x1', 'ann', {}, OTHER_COMMUNITY), observedPost('x2', 'zed', {}, OTHER_COMMUNITY)] },
    // A long thread: one batch, several journal entries.
    { community: COMMUNITY, at: T0 + 5 * MINUTE, posts: long },
    // Later than the resolution: last-seen times move, unchanged posts are written again.
    { community: COMMUNITY, at: T0 + 5 * MINUTE + SEEN_RESOLUTION_MS, posts: [observedPost('p1', 'ann', { text: 'edited' }), ...long.slice(0, 5)] },
    // Soon after: unchanged posts, one of them under a new name for its author (the post's row
    // stays as it was; the member's names change).
    {
      community: COMMUNITY,
      at: T0 + 10 * MINUTE + SEEN_RESOLUTION_MS,
      posts: [{ ...long[0]!, author: { ...long[0]!.author, name: 'Ann A.' } }, ...long.slice(1, 5)],
    },
    // A batch with nothing of its community still upserts the community.
    { community: { ...OTHER_COMMUNITY, name: 'Renamed forum' }, at: T0 + 30 * MINUTE, posts: [observedPost('p9', 'ann')] },
  ];
}

/** Every table but the journal's (which the direct ingest never writes). */
async function tables(db: KehilaDb): Promise<Record<string, unknown[]>> {
  const { journal, ...rest } = await dumpDb(db);
  expect(journal, 'journal entries left after settling').toEqual([]);
  return rest;
}

let direct: KehilaDb;
let db: KehilaDb;
let journal: ObservationJournal;
let expected: { answers: IngestResult[]; tables: Record<string, unknown[]> };

beforeEach(async () => {
  fakeBrowser.reset();
  direct = freshDb('journal-direct');
  db = freshDb('journal');
  journal = new ObservationJournal(db, { idleMs: 60_000 });
  const answers: IngestResult[] = [];
  for (const step of session()) answers.push(await ingestObservation(direct, step.community, step.posts, step.at));
  expected = { answers, tables: await tables(direct) };
});

afterEach(() => {
  journal.dispose();
  vi.restoreAllMocks();
  direct.close();
  db.close();
});

describe('ObservationJournal', () => {
  it('answers every batch as the direct ingest does, and settles into the same tables', async () => {
    const answers: IngestResult[] = [];
    for (const step of session()) answers.push(await journal.ingest(step.community, step.posts, step.at));

    expect(answers).toEqual(expected.answers);
    await journal.settle();
    expect(await tables(db)).toEqual(expected.tables);
  });

  it('reaches the same tables whatever the batches between folds', async () => {
    const steps = session();
    for (const [index, step] of steps.entries()) {
      await journal.ingest(step.community, step.posts, step.at);
      if (index % 3 === 1) await journal.settle();
    }
    await journal.settle();
    expect(await tables(db)).toEqual(expected.tables);
  });

  it('keeps a batch in the journal until it is folded, and badges show it meanwhile', async () => {
    const [first] = session();
    await journal.ingest(first!.community, first!.posts, first!.at);

    expect(await db.posts.count()).toBe(0);
    expect(await db.members.count()).toBe(0);
    expect(await db.journal.count()).toBe(1);
    expect(journal.pendingPosts).toBe(2);
    const summaries = await journal.summaries(COMMUNITY.id, [memberKey('ann'), memberKey('bob'), memberKey('nobody')], first!.at);
    expect(summaries.map(({ memberId, postCount, firstSeenAt }) => ({ memberId, postCount, firstSeenAt }))).toEqual([
      { memberId: memberKey('ann'), postCount: 1, firstSeenAt: T0 },
      { memberId: memberKey('bob'), postCount: 1, firstSeenAt: T0 },
    ]);

    await journal.settle();
    expect(await db.posts.count()).toBe(2);
    expect(await db.journal.count()).toBe(0);
    expect(journal.pendingPosts).toBe(0);
    // After the fold the tables answer the same.
    expect(await memberSummaries(db, COMMUNITY.id, [memberKey('ann'), memberKey('bob'), memberKey('nobody')], first!.at)).toEqual(summaries);
  });

  it('writes a long batch as entries of at most JOURNAL_ROW_POSTS posts', async () => {
    const long = session()[5]!;
    await journal.ingest(long.community, long.posts, long.at);

    const sizes = (await db.journal.orderBy('seq').toArray()).map((entry) => entry.posts.length);
    expect(sizes).toEqual([JOURNAL_ROW_POSTS, JOURNAL_ROW_POSTS, 17]);
  });

  it('a worker that stops before folding loses nothing: the next one replays the journal', async () => {
    const steps = session();
    for (const step of steps.slice(0, 6)) await journal.ingest(step.community, step.posts, step.at);
    await journal.settle();
    for (const step of steps.slice(6)) await journal.ingest(step.community, step.posts, step.at);
    expect(await db.journal.count()).toBeGreaterThan(0);
    // The worker stops: its pending rows are gone with it.
    journal.dispose();

    const next = new ObservationJournal(db, { idleMs: 60_000 });
    try {
      // Its first answer already counts what the previous worker answered.
      const [ann] = await next.summaries(COMMUNITY.id, [memberKey('ann')], T0 + 40 * MINUTE);
      expect(ann).toEqual((await memberSummaries(direct, COMMUNITY.id, [memberKey('ann')], T0 + 40 * MINUTE))[0]);
      await next.settle();
      expect(await tables(db)).toEqual(expected.tables);
    } finally {
      next.dispose();
    }
  });

  it('journals only what a replay needs: a revisit, next to nothing', async () => {
    const steps = session();
    const journalled: number[][] = [];
    for (const step of steps) {
      const before = (await db.journal.orderBy('seq').last())?.seq ?? 0;
      await journal.ingest(step.community, step.posts, step.at);
      journalled.push((await db.journal.where('seq').above(before).toArray()).map((entry) => entry.posts.length));
    }
    expect(journalled).toEqual([
      [2], // new posts
      [0], // the same page a minute later: only the community (its last activity)
      [3], // an edit, a renamed author's new post, a newcomer (seen twice: once)
      [1], // the other community's post is left out
      [2],
      [JOURNAL_ROW_POSTS, JOURNAL_ROW_POSTS, 17],
      [6], // past the resolution every post is written again
      [2], // only the posts of the author with a new name
      [0], // nothing of its community: only the community
    ]);

    // The worker stops before any fold: replaying those entries reaches the direct ingest's tables.
    journal.dispose();
    const next = new ObservationJournal(db, { idleMs: 60_000 });
    try {
      await next.settle();
      expect(await tables(db)).toEqual(expected.tables);
    } finally {
      next.dispose();
    }
  });

  it('folds once ingest has been quiet for its idle time', async () => {
    const quick = new ObservationJournal(db, { idleMs: 5 });
    try {
      const [first] = session();
      await quick.ingest(first!.community, first!.posts, first!.at);
      await vi.waitFor(async () => expect(await db.posts.count()).toBe(2));
      expect(await db.journal.count()).toBe(0);
    } finally {
      quick.dispose();
    }
  });

  it('folds without waiting for quiet once the pending posts reach its bound', async () => {
    const bounded = new ObservationJournal(db, { idleMs: 60_000, foldAtPosts: 3 });
    try {
      const [first, , third] = session();
      await bounded.ingest(first!.community, first!.posts, first!.at);
      expect(bounded.pendingPosts).toBe(2);
      await bounded.ingest(third!.community, third!.posts, third!.at);
      await vi.waitFor(() => expect(bounded.pendingPosts).toBe(0));
      expect(await db.posts.count()).toBe(4);
    } finally {
      bounded.dispose();
    }
  });

  it('folds without waiting for quiet once the text of the pending posts reaches its bound', async () => {
    const bounded = new ObservationJournal(db, { idleMs: 60_000, foldAtText: 2500 });
    try {
      await bounded.ingest(COMMUNITY, [observedPost('p1', 'ann', { text: 'x'.repeat(1000) })], T0);
      // The same post again, edited: its text is counted once.
      await bounded.ingest(COMMUNITY, [observedPost('p1', 'ann', { text: 'y'.repeat(1900) })], T0 + MINUTE);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(bounded.pendingPosts).toBe(1);
      await bounded.ingest(COMMUNITY, [observedPost('p2', 'bob', { text: 'z'.repeat(1100) })], T0 + 2 * MINUTE);
      await vi.waitFor(() => expect(bounded.pendingPosts).toBe(0));
      expect((await db.posts.get(`${COMMUNITY.id}:p1`))?.text).toBe('y'.repeat(1900));
    } finally {
      bounded.dispose();
    }
  });

  it('runs batches one at a time, in the order they came, however they overlap', async () => {
    const steps = session();
    const answers = await Promise.all(steps.map((step) => journal.ingest(step.community, step.posts, step.at)));

    expect(answers).toEqual(expected.answers);
    await journal.settle();
    expect(await tables(db)).toEqual(expected.tables);
  });

  it('a batch the journal cannot store changes nothing, and the next one goes on from there', async () => {
    const [first, second, third] = session();
    await journal.ingest(first!.community, first!.posts, first!.at);
    const spy = vi.spyOn(db.journal, 'bulkAdd').mockRejectedValueOnce(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));

    await expect(journal.ingest(third!.community, third!.posts, third!.at)).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(journal.pendingPosts).toBe(2);
    expect(await journal.summaries(COMMUNITY.id, [memberKey('eve')], third!.at)).toEqual([]);

    spy.mockRestore();
    for (const step of [second!, third!]) await journal.ingest(step.community, step.posts, step.at);
    await journal.settle();
    const reference = freshDb('journal-reference');
    try {
      for (const step of [first!, second!, third!]) await ingestObservation(reference, step.community, step.posts, step.at);
      expect(await tables(db)).toEqual(await tables(reference));
    } finally {
      reference.close();
    }
  });

  it('a journal write that fails part-way keeps none of its entries', async () => {
    const long = session()[5]!;
    const bulkAdd = db.journal.bulkAdd.bind(db.journal);
    vi.spyOn(db.journal, 'bulkAdd').mockImplementationOnce((async (entries: JournalEntry[]) => {
      await bulkAdd(entries.slice(0, 1));
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }) as never);

    await expect(journal.ingest(long.community, long.posts, long.at)).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(await db.journal.count()).toBe(0);
    expect(journal.pendingPosts).toBe(0);
  });

  it('a replay that fails is tried again by the next operation, and nothing is answered from a half-replayed journal', async () => {
    const steps = session();
    for (const step of steps.slice(0, 3)) await journal.ingest(step.community, step.posts, step.at);
    journal.dispose();

    const next = new ObservationJournal(db, { idleMs: 60_000 });
    try {
      const spy = vi.spyOn(db.posts, 'bulkPut').mockRejectedValueOnce(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
      await expect(next.summaries(COMMUNITY.id, [memberKey('ann')])).rejects.toMatchObject({ name: 'QuotaExceededError' });
      spy.mockRestore();

      for (const step of steps.slice(3)) await next.ingest(step.community, step.posts, step.at);
      await next.settle();
      expect(await tables(db)).toEqual(expected.tables);
    } finally {
      next.dispose();
    }
  });
});
