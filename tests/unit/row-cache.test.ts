import type { DBCore, DBCoreTable, DBCoreTransaction } from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { KehilaDb } from '@/lib/db/db';
import { ingestObservation } from '@/lib/db/ingest';
import { memberSummaries, setMemberRole, tagMember } from '@/lib/db/members';
import { addNote, deleteNote } from '@/lib/db/notes';
import { createRowCache, installRowCache, type RowCache } from '@/lib/db/row-cache';
import type { Member } from '@/lib/db/types';
import { COMMUNITY, freshDb, memberKey, observedPost } from './helpers/db';

const T0 = Date.parse('2026-02-01T10:00:00Z');
const HOUR = 3600_000;
const ann = memberKey('ann');
const bob = memberKey('bob');
const cat = memberKey('cat');

let db: KehilaDb;
/** A second connection to the same database without the cache: what IndexedDB holds. */
let plain: KehilaDb;
let cache: RowCache;

beforeEach(async () => {
  fakeBrowser.reset();
  db = freshDb('row-cache');
  cache = installRowCache(db);
  plain = new KehilaDb(db.name);
  await ingestObservation(db, COMMUNITY, [observedPost('p1', 'ann'), observedPost('p2', 'ann'), observedPost('p3', 'bob')], T0);
});

afterEach(() => {
  vi.restoreAllMocks();
  db.close();
  plain.close();
});

/** Badges from the cached connection, checked against the uncached one. */
async function summaries(memberIds: string[], now = T0) {
  const cached = await memberSummaries(db, COMMUNITY.id, memberIds, now);
  expect(cached).toEqual(await memberSummaries(plain, COMMUNITY.id, memberIds, now));
  return cached;
}

const delta = (before: ReturnType<RowCache['stats']>, after = cache.stats()) => ({ hits: after.hits - before.hits, misses: after.misses - before.misses });

describe('row cache over the database', () => {
  it('answers a repeated badge lookup from memory, with the same badges', async () => {
    const first = await summaries([ann, bob, cat]);
    expect(first.map((summary) => [summary.memberId, summary.postCount])).toEqual([
      [ann, 2],
      [bob, 1],
    ]);
    const before = cache.stats();

    const second = await summaries([ann, bob, cat]);

    expect(second).toEqual(first);
    // Three member keys, cat's as a known-absent entry: a member row carries its presence in
    // each community, so a badge reads no membership row.
    expect(delta(before)).toEqual({ hits: 3, misses: 0 });
    expect(cache.stats()).toMatchObject({ size: 3 });
  });

  it('shows every write that follows a cached lookup', async () => {
    await summaries([ann, bob]);

    await ingestObservation(db, COMMUNITY, [observedPost('p4', 'bob')], T0 + 1);
    expect((await summaries([bob]))[0]).toMatchObject({ postCount: 2 });

    await tagMember(db, ann, ['VIP'], []);
    expect((await summaries([ann]))[0]).toMatchObject({ tags: ['VIP'] });

    await setMemberRole(db, ann, 'customer');
    expect((await summaries([ann]))[0]).toMatchObject({ role: 'customer' });

    const note = await addNote(db, { memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'asked about pricing', author: 'me' }, T0);
    expect((await summaries([ann]))[0]).toMatchObject({ noteCount: 1 });

    await deleteNote(db, note.id, T0);
    const before = cache.stats();
    expect((await summaries([ann, bob]))[0]).toMatchObject({ noteCount: 0, role: 'customer', tags: ['VIP'] });
    // The lookup after the last write read only the rows it changed (ann's member row).
    expect(delta(before)).toEqual({ hits: 1, misses: 1 });
  });

  it('recounts an expired note in the lookup transaction after member rows came from memory', async () => {
    const expiresAt = T0 + HOUR;
    await db.notes.put({ id: 'n1', memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'until noon', author: 'me', createdAt: T0, updatedAt: T0, expiresAt, deletedAt: null });
    await db.members.update(ann, { noteCount: 1, notesExpireAt: expiresAt });
    expect((await summaries([ann]))[0]).toMatchObject({ noteCount: 1 });
    const before = cache.stats();

    expect((await summaries([ann], expiresAt + 1))[0]).toMatchObject({ noteCount: 0 });
    expect(delta(before)).toEqual({ hits: 1, misses: 0 });
  });

  it('forgets that a member was unknown once they post', async () => {
    expect(await summaries([cat])).toEqual([]);
    const before = cache.stats();
    expect(await summaries([cat])).toEqual([]);
    expect(delta(before)).toEqual({ hits: 1, misses: 0 });

    await ingestObservation(db, COMMUNITY, [observedPost('p4', 'cat')], T0 + 1);

    expect(await summaries([cat])).toMatchObject([{ memberId: cat, postCount: 1, name: 'cat' }]);
  });

  it('keeps the committed row when a read-write transaction aborts', async () => {
    await summaries([ann]);
    const row = (await db.members.get(ann))!;

    const failed = db.transaction('rw', db.members, async () => {
      await db.members.put({ ...row, role: 'team', tags: ['uncommitted'] });
      // Read back inside the writer: IndexedDB's answer, not a cached one, and not cached.
      expect(await db.members.get(ann)).toMatchObject({ role: 'team' });
      throw new Error('changed my mind');
    });
    await expect(failed).rejects.toThrow('changed my mind');

    expect((await summaries([ann]))[0]).toMatchObject({ role: 'member', tags: [] });
    expect(await db.members.get(ann)).toEqual(row);
  });

  it('shows a write committed after an older read-only transaction re-read the old row', async () => {
    await summaries([ann, bob]);
    const row = (await db.members.get(ann))!;
    const events: string[] = [];

    // IndexedDB runs the writer after the read-only transaction created before it, so `older`
    // reads the old row after the write was issued, and may cache it; the commit must evict it.
    const older = db.transaction('r', db.members, async () => {
      await db.members.get(bob);
      events.push('older reads ann');
      return db.members.get(ann);
    });
    const writer = db.transaction('rw', db.members, () => {
      events.push('put issued');
      return db.members.put({ ...row, role: 'partner' });
    });

    expect(await older).toMatchObject({ role: 'member' });
    await writer;
    expect(events).toEqual(['put issued', 'older reads ann']);
    expect((await summaries([ann]))[0]).toMatchObject({ role: 'partner' });
  });

  it('hands out copies: mutating a returned row does not change the next read', async () => {
    const fromDisk = (await db.members.get(ann))!;
    const original = structuredClone(fromDisk);
    fromDisk.tags.push('scribbled');
    fromDisk.role = 'team';

    const before = cache.stats();
    const fromCache = (await db.members.get(ann))!;
    expect(delta(before)).toEqual({ hits: 1, misses: 0 });
    expect(fromCache).toEqual(original);
    fromCache.displayNames.push('scribbled');
    const [again] = await db.members.bulkGet([ann]);
    expect(again).toEqual(original);
  });

  it('never answers a read-write transaction from memory', async () => {
    await summaries([ann, bob]);
    const before = cache.stats();

    const [member, others] = await db.transaction('rw', [db.members], () => Promise.all([db.members.get(ann), db.members.bulkGet([bob])]));

    expect(member).toMatchObject({ id: ann });
    expect(others).toMatchObject([{ id: bob }]);
    expect(delta(before)).toEqual({ hits: 0, misses: 0 });
  });

  it('forgets everything when another connection deletes the database', async () => {
    await summaries([ann, bob]);
    expect(cache.stats().size).toBe(2);

    // Dexie warns that it closes db for the delete: expected here.
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await plain.delete({ disableAutoOpen: false });

    expect(cache.stats().size).toBe(0);
    // db reopens on demand, onto the re-created, empty database.
    expect(await memberSummaries(db, COMMUNITY.id, [ann, bob], T0)).toEqual([]);
  });
});

describe('row cache bound', () => {
  it('keeps at most maxRows rows per table, evicting the least recently used', async () => {
    const small = freshDb('row-cache-lru');
    const lru = installRowCache(small, { maxRows: 3 });
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await ingestObservation(small, COMMUNITY, ids.map((id) => observedPost(`p-${id}`, id)), T0);
    const read = async (id: string) => {
      const before = lru.stats('members');
      expect(await small.members.get(memberKey(id))).toMatchObject({ id: memberKey(id) });
      expect(lru.stats('members').size).toBeLessThanOrEqual(3);
      return lru.stats('members').hits > before.hits ? 'hit' : 'miss';
    };

    expect([await read('a'), await read('b'), await read('c')]).toEqual(['miss', 'miss', 'miss']);
    expect(await read('a')).toBe('hit');
    // d pushes out b, the least recently used (a was just used).
    expect(await read('d')).toBe('miss');
    expect([await read('a'), await read('c'), await read('d')]).toEqual(['hit', 'hit', 'hit']);
    expect(await read('b')).toBe('miss');
    await small.members.bulkGet(ids.map((id) => memberKey(id)));
    expect(lru.stats('members').size).toBe(3);
    small.close();
  });
});

/**
 * The generation logic over a fake IndexedDB layer whose reads resolve when the test says, for
 * interleavings fake-indexeddb cannot be made to produce on demand.
 */
describe('row cache coherence, step by step', () => {
  class FakeTransaction extends EventTarget {
    constructor(readonly mode: IDBTransactionMode) {
      super();
    }
    abort() {
      this.dispatchEvent(new Event('abort'));
    }
    commit() {
      this.dispatchEvent(new Event('complete'));
    }
  }

  /** One table `members` over `rows`; each read answers `rows` as they are when it is released. */
  function fakeCore(rows: Map<string, Member | { id: string; v: number }>) {
    const held: (() => void)[] = [];
    const hold = <T>(answer: () => T) => new Promise<T>((resolve) => held.push(() => resolve(answer())));
    const table = {
      name: 'members',
      schema: { name: 'members', primaryKey: { name: null, keyPath: 'id', extractKey: (value: { id: string }) => value.id }, indexes: [] },
      get: ({ key }: { key: string }) => hold(() => structuredClone(rows.get(key))),
      getMany: ({ keys }: { keys: string[] }) => hold(() => keys.map((key) => structuredClone(rows.get(key)))),
      mutate: () => Promise.resolve({ numFailures: 0, failures: {}, lastResult: undefined }),
    } as unknown as DBCoreTable;
    const down = {
      stack: 'dbcore',
      transaction: (_stores: string[], mode: IDBTransactionMode) => new FakeTransaction(mode),
      table: () => table,
    } as unknown as DBCore;
    return {
      held,
      /** Let every read issued so far answer, and wait for the cache to see the answers. */
      release: async () => {
        for (const resolve of held.splice(0)) resolve();
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
      down,
    };
  }

  const put = (core: DBCore, trans: DBCoreTransaction, value: { id: string; v: number }) =>
    core.table('members').mutate({ type: 'put', trans, values: [value] });

  function setup() {
    const rows = new Map([
      ['a', { id: 'a', v: 1 }],
      ['b', { id: 'b', v: 1 }],
    ]);
    const fake = fakeCore(rows);
    const rowCache = createRowCache();
    const core = rowCache.create(fake.down);
    const members = core.table('members');
    const reader = () => core.transaction(['members'], 'readonly');
    const writer = () => core.transaction(['members'], 'readwrite') as unknown as FakeTransaction;
    return { rows, fake, rowCache, core, members, reader, writer };
  }

  it('does not cache a read that was in flight when a write was issued', async () => {
    const { rows, fake, rowCache, core, members, reader, writer } = setup();
    const read = members.get({ trans: reader(), key: 'a' });
    const readMany = members.getMany({ trans: reader(), keys: ['a', 'b'] });
    const write = writer();
    await put(core, write, { id: 'a', v: 2 });
    await fake.release();

    // The readers, created before the writer, rightly saw the old row; it is not kept.
    expect(await read).toEqual({ id: 'a', v: 1 });
    expect(await readMany).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 1 },
    ]);
    expect(rowCache.stats()).toEqual({ hits: 0, misses: 3, size: 0 });
    rows.set('a', { id: 'a', v: 2 });
    write.commit();
  });

  it('evicts again at commit what an older reader cached after the write was issued', async () => {
    const { rows, fake, rowCache, core, members, reader, writer } = setup();
    const older = reader();
    const write = writer();
    await put(core, write, { id: 'a', v: 2 });

    // The older reader reads after the write was issued: IndexedDB still shows it the old row.
    const read = members.get({ trans: older, key: 'a' });
    await fake.release();
    expect(await read).toEqual({ id: 'a', v: 1 });
    expect(rowCache.stats().size).toBe(1);

    rows.set('a', { id: 'a', v: 2 });
    write.commit();
    expect(rowCache.stats().size).toBe(0);
    const next = members.get({ trans: reader(), key: 'a' });
    await fake.release();
    expect(await next).toEqual({ id: 'a', v: 2 });
  });

  it('evicts at abort too, and counts the writer as ended', async () => {
    const { fake, rowCache, core, members, reader, writer } = setup();
    const older = reader();
    const write = writer();
    await put(core, write, { id: 'a', v: 2 });
    const read = members.getMany({ trans: older, keys: ['a', 'b'] });
    await fake.release();
    expect(await read).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 1 },
    ]);

    write.abort();

    expect(rowCache.stats().size).toBe(1);
    // No writer is live any more: a new reader gets b from memory.
    expect(await members.get({ trans: reader(), key: 'b' })).toEqual({ id: 'b', v: 1 });
    expect(rowCache.stats().hits).toBe(1);
  });

  it('serves no hits to a reader created while a writer is live, which IndexedDB runs after it', async () => {
    const { fake, rowCache, members, reader, writer } = setup();
    const warm = members.get({ trans: reader(), key: 'b' });
    await fake.release();
    await warm;
    const write = writer();

    const blocked = members.getMany({ trans: reader(), keys: ['b'] });
    expect(fake.held).toHaveLength(1);
    await fake.release();
    await blocked;
    expect(rowCache.stats().hits).toBe(0);

    write.commit();
    expect(await members.get({ trans: reader(), key: 'b' })).toEqual({ id: 'b', v: 1 });
    expect(rowCache.stats().hits).toBe(1);
  });

  it('merges hits and misses of one getMany in key order, reading only the misses', async () => {
    const { rows, fake, members, reader } = setup();
    rows.set('c', { id: 'c', v: 3 });
    const warm = members.getMany({ trans: reader(), keys: ['b', 'x'] });
    await fake.release();
    await warm;

    const calls: string[][] = [];
    const getMany = fake.down.table('members').getMany;
    fake.down.table('members').getMany = (req) => (calls.push(req.keys as string[]), getMany(req));
    const read = members.getMany({ trans: reader(), keys: ['a', 'b', 'x', 'c'] });
    await fake.release();

    expect(await read).toEqual([{ id: 'a', v: 1 }, { id: 'b', v: 1 }, undefined, { id: 'c', v: 3 }]);
    expect(calls).toEqual([['a', 'c']]);
  });
});
