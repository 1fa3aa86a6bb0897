/**
 * Every schema version that shipped, upgraded to the current one (STYLE.md: "Every version bump
 * ships with a migration test: seed at vN-1, open at vN, assert every row survived").
 *
 * How to add a version (say v3), once it is in SCHEMA_VERSIONS:
 * 1. Add `2: { seed: seedV2, expectDerived: expectV3… }` to CASES: rows as the v2 code wrote
 *    them, at least one for every v2 table, and the checks of what the v2 → v3 upgrader derives.
 *    If older seeds should show the same derivation, call the new check from their
 *    `expectDerived` too (v1 then upgrades through v2 and v3 in one open).
 * 2. Nothing else: the loop below opens each older version, seeds it, reopens it at the current
 *    version and checks that every seeded row kept every field it had. A version without a case
 *    fails the "has a migration case" test, so a bump cannot ship untested.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DB_NAME, getDb, KehilaDb } from '@/lib/db/db';
import { ingestObservation } from '@/lib/db/ingest';
import { memberSummaries } from '@/lib/db/members';
import { membershipId } from '@/lib/db/keys';
import { noteCounter } from '@/lib/db/note-count';
import { inChunks, SCHEMA_VERSIONS } from '@/lib/db/schema';
import type { Alert, Community, Interaction, JournalEntry, Member, Membership, Note, Post, ReplyTemplate, Rollup } from '@/lib/db/types';
import { publishUpgradeProgress, readUpgradeProgress, type UpgradeProgress } from '@/lib/db/upgrade-progress';
import { dumpDb, expectPresenceAsMemberships } from './helpers/db';

/** A row as stored: any object (the row interfaces have no index signature). */
type Row = object;
/** Rows to write at one version, by table name. */
type Seed = Record<string, Row[]>;
const field = (row: Row, key: string): unknown => (row as Record<string, unknown>)[key];

interface VersionCase {
  /** Rows as the code of that version wrote them: at least one for every table it declares. */
  seed: () => Seed;
  /** Data the upgrades from this version must derive, checked on the database at the current version. */
  expectDerived?: (db: KehilaDb, seed: Seed) => Promise<void>;
}

const DAY = 86_400_000;
/** A member row as v1 and v2 wrote it: before the note counter (and presence). */
type MemberV1 = Omit<Member, 'noteCount' | 'notesExpireAt' | 'presence'>;
const T0 = Date.parse('2025-06-01T00:00:00Z');

const FORUM = 'discourse:forum.example.org';
const SUB = 'reddit:r/kehila';
const GROUP = 'facebook:group:117507531664134';
const QUIET = 'phpbb:forum.odroid.com';

// ---------------------------------------------------------------------------------------------
// v1: no memberships; communities carried no counters.

function seedV1(): Seed {
  const community = (id: string, platform: Community['platform'], name: string, lastActivityAt: number, extra: Partial<Community> = {}): Row => ({
    id,
    platform,
    name,
    url: `https://example.org/${name}`,
    audience: 'customers',
    tracked: 1,
    responseTargetHours: 24,
    createdAt: T0,
    lastActivityAt,
    ...extra,
  });
  const member = (id: string, platform: Member['platform'], names: string[], extra: Partial<MemberV1> = {}): MemberV1 => ({
    id,
    platform,
    displayNames: names,
    profileUrl: null,
    isWeak: false,
    firstSeenAt: T0,
    lastSeenAt: T0 + 9 * DAY,
    tags: [],
    role: 'member',
    linkedTo: null,
    ...extra,
  });
  let n = 0;
  const post = (communityId: string, memberId: string, firstObservedAt: number, observedAt: number, extra: Partial<Post> = {}): Post => {
    n += 1;
    return {
      id: `${communityId}:post-${n}`,
      communityId,
      memberId,
      threadId: `${communityId}:thread-${n % 2}`,
      parentId: null,
      kind: 'post',
      publishedAt: firstObservedAt - DAY,
      firstObservedAt,
      observedAt,
      url: `https://example.org/p/${n}`,
      text: `post ${n}`,
      language: null,
      sentiment: null,
      intent: null,
      ...extra,
    };
  };
  const note = (id: string, memberId: string, communityId: string | null, extra: Partial<Note> = {}): Note => ({
    id,
    memberId,
    communityId,
    postId: null,
    body: `note ${id}`,
    author: 'Dana',
    createdAt: T0 + DAY,
    updatedAt: T0 + DAY,
    expiresAt: null,
    deletedAt: null,
    ...extra,
  });

  const ann = `${FORUM}:ann`;
  const bob = `${FORUM}:bob`;
  // One member id seen in two communities of one platform (Reddit usernames are global).
  const zoe = 'reddit:zoe';
  const sam = 'reddit:sam';
  const fbUser = 'facebook:100004';
  const lurker = `${QUIET}:lurker`;

  const posts: Post[] = [
    post(FORUM, ann, T0 + 2 * DAY, T0 + 5 * DAY),
    post(FORUM, ann, T0 + 1 * DAY, T0 + 1 * DAY, { kind: 'comment', parentId: `${FORUM}:post-1` }),
    post(FORUM, ann, T0 + 3 * DAY, T0 + 3 * DAY, { publishedAt: null, url: null, language: 'en', sentiment: 0.8, intent: 'praise' }),
    post(FORUM, bob, T0 + 4 * DAY, T0 + 4 * DAY, { kind: 'reply', text: '<b>not markup</b> שלום' }),
    post(SUB, zoe, T0 + 2 * DAY, T0 + 6 * DAY),
    post(SUB, zoe, T0 + 7 * DAY, T0 + 7 * DAY),
    post(SUB, sam, T0 + 8 * DAY, T0 + 9 * DAY),
    post(GROUP, fbUser, T0 + 5 * DAY, T0 + 5 * DAY),
    post(GROUP, zoe, T0 + 6 * DAY, T0 + 8 * DAY),
  ];

  return {
    communities: [
      community(FORUM, 'discourse', 'Example Forum', T0 + 5 * DAY, { audience: 'employees', responseTargetHours: 4 }),
      community(SUB, 'reddit', 'r/kehila', T0 + 9 * DAY),
      community(GROUP, 'facebook', 'Investors group', T0 + 8 * DAY, { audience: 'investors', tracked: 0 }),
      // Opened once, nothing observed yet: it must keep its last activity time.
      community(QUIET, 'phpbb', 'ODROID', T0 + 3 * DAY, { audience: 'other' }),
    ],
    members: [
      member(ann, 'discourse', ['Ann B.', 'ann'], { tags: ['VIP', 'lead'], role: 'customer', profileUrl: 'https://forum.example.org/u/ann' }),
      member(bob, 'discourse', ['bob'], { isWeak: true }),
      member(zoe, 'reddit', ['zoe'], { linkedTo: fbUser }),
      member(sam, 'reddit', ['sam'], { role: 'team' }),
      member(fbUser, 'facebook', ['Zoë Levi', 'זואי']),
      // Known, never seen posting (e.g. a note was written first): no membership to derive.
      member(lurker, 'phpbb', ['lurker']),
    ],
    posts,
    notes: [
      note('n-ann-1', ann, FORUM),
      note('n-ann-2', ann, FORUM, { postId: `${FORUM}:post-1` }),
      note('n-ann-deleted', ann, FORUM, { body: '', deletedAt: T0 + 2 * DAY, updatedAt: T0 + 2 * DAY }),
      note('n-zoe-sub', zoe, SUB, { expiresAt: T0 + 30 * DAY }),
      note('n-zoe-everywhere', zoe, null),
      note('n-lurker', lurker, QUIET),
    ],
    interactions: [
      { id: 'i1', kind: 'noted', memberId: ann, communityId: FORUM, postId: null, templateId: null, at: T0 + DAY },
      { id: 'i2', kind: 'replied', memberId: zoe, communityId: SUB, postId: `${SUB}:post-5`, templateId: 'tpl-welcome', at: T0 + 7 * DAY },
    ] satisfies Interaction[],
    replyTemplates: [
      { id: 'tpl-welcome', title: 'Welcome', body: 'Hi {{member.firstName}}!', language: 'en', intents: ['newcomer'], tags: ['onboarding'], shortcut: ';w', usageCount: 3, lastUsedAt: T0 + 7 * DAY },
      { id: 'tpl-sorry', title: 'מצטערים', body: 'שלום {{member.name}}', language: 'he', intents: ['complaint'], tags: [], shortcut: null, usageCount: 0, lastUsedAt: null },
    ] satisfies ReplyTemplate[],
    rollups: [
      { id: `${FORUM}|2025-06-02`, communityId: FORUM, day: '2025-06-02', posts: 1, comments: 1, activeMembers: 1, newMembers: 1, firstResponseHours: [2.5], sentiment: { positive: 1, neutral: 1, negative: 0 } },
      { id: `${SUB}|2025-06-08`, communityId: SUB, day: '2025-06-08', posts: 2, comments: 0, activeMembers: 2, newMembers: 1, firstResponseHours: [], sentiment: { positive: 0, neutral: 2, negative: 0 } },
    ] satisfies Rollup[],
    alerts: [
      { id: 'a1', communityId: SUB, kind: 'volume', severity: 'warning', openedAt: T0 + 8 * DAY, resolvedAt: null, evidence: [`${SUB}:post-6`] },
      { id: 'a2', communityId: FORUM, kind: 'unanswered-negative', severity: 'critical', openedAt: T0 + 3 * DAY, resolvedAt: T0 + 4 * DAY, evidence: [] },
    ] satisfies Alert[],
  };
}

/**
 * v1 → v2: memberships derived from the posts (a member's first and last sighting in each
 * community, and how many of their posts were seen there); community counters.
 */
async function expectV2Backfill(db: KehilaDb, seed: Seed): Promise<void> {
  const posts = seed.posts as unknown as Post[];
  const notes = seed.notes as unknown as Note[];

  const expected = new Map<string, { id: string; communityId: string; memberId: string; firstSeenAt: number; lastSeenAt: number; postCount: number }>();
  for (const post of posts) {
    const id = membershipId(post.communityId, post.memberId);
    const row = expected.get(id) ?? { id, communityId: post.communityId, memberId: post.memberId, firstSeenAt: Infinity, lastSeenAt: -Infinity, postCount: 0 };
    row.firstSeenAt = Math.min(row.firstSeenAt, post.firstObservedAt);
    row.lastSeenAt = Math.max(row.lastSeenAt, post.observedAt);
    row.postCount += 1;
    expected.set(id, row);
  }
  const memberships = await db.memberships.toArray();
  expect(memberships).toHaveLength(expected.size);
  expect(new Map(memberships.map((row) => [row.id, row]))).toEqual(expected);

  // Spelled out for the seed above, so a mistake in the expectation's own arithmetic shows.
  expect(await db.memberships.get(membershipId(FORUM, `${FORUM}:ann`))).toEqual({
    id: membershipId(FORUM, `${FORUM}:ann`),
    communityId: FORUM,
    memberId: `${FORUM}:ann`,
    firstSeenAt: T0 + DAY,
    lastSeenAt: T0 + 5 * DAY,
    postCount: 3,
  });
  expect(await db.memberships.where('memberId').equals('reddit:zoe').sortBy('communityId')).toEqual([
    { id: membershipId(GROUP, 'reddit:zoe'), communityId: GROUP, memberId: 'reddit:zoe', firstSeenAt: T0 + 6 * DAY, lastSeenAt: T0 + 8 * DAY, postCount: 1 },
    { id: membershipId(SUB, 'reddit:zoe'), communityId: SUB, memberId: 'reddit:zoe', firstSeenAt: T0 + 2 * DAY, lastSeenAt: T0 + 7 * DAY, postCount: 2 },
  ]);
  expect(await db.memberships.where('memberId').equals(`${QUIET}:lurker`).count()).toBe(0);

  const counters = Object.fromEntries(
    (await db.communities.toArray()).map((community) => [
      community.id,
      { memberCount: community.memberCount, postCount: community.postCount, noteCount: community.noteCount },
    ]),
  );
  const live = (communityId: string) => notes.filter((note) => note.communityId === communityId && note.deletedAt === null).length;
  expect(counters).toEqual({
    [FORUM]: { memberCount: 2, postCount: 4, noteCount: live(FORUM) },
    [SUB]: { memberCount: 2, postCount: 3, noteCount: live(SUB) },
    [GROUP]: { memberCount: 2, postCount: 2, noteCount: 0 },
    [QUIET]: { memberCount: 0, postCount: 0, noteCount: 1 },
  });
  expect(live(FORUM)).toBe(2);

  // The new indexes answer.
  expect(await db.memberships.where('[communityId+lastSeenAt]').between([SUB, -Infinity], [SUB, Infinity]).count()).toBe(2);
  expect(await db.posts.where('[memberId+observedAt]').between(['reddit:zoe', 0], ['reddit:zoe', Infinity]).count()).toBe(3);
}

// ---------------------------------------------------------------------------------------------
// v2: memberships, tracked sites and adapter issues; posts carried single-field indexes.

function seedV2(): Seed {
  const v1 = seedV1();
  const posts = v1.posts as Post[];
  const memberships = new Map<string, Row>();
  for (const post of posts) {
    const id = membershipId(post.communityId, post.memberId);
    const row = (memberships.get(id) as { postCount: number } | undefined) ?? { id, communityId: post.communityId, memberId: post.memberId, firstSeenAt: post.firstObservedAt, lastSeenAt: post.observedAt, postCount: 0 };
    row.postCount += 1;
    memberships.set(id, row);
  }
  const counters = { memberCount: 2, postCount: 4, noteCount: 2 };
  return {
    ...v1,
    communities: (v1.communities as Community[]).map((community) => ({ ...community, ...counters })),
    memberships: [...memberships.values()],
    trackedSites: [
      { origin: 'https://forum.example.org', addedAt: T0 },
      { origin: 'https://board.example.net', addedAt: T0 + DAY, rule: { origin: 'https://board.example.net', post: '.msg', author: '.who a' } },
    ],
    adapterIssues: [
      { id: 'phpbb|https://board.example.net', adapter: 'phpbb', origin: 'https://board.example.net', pageKind: 'topic', url: 'https://board.example.net/viewtopic.php?t=1', message: 'no posts', at: T0 + 2 * DAY },
    ],
  };
}

/**
 * v2 → v3: every member row carries its live note count and the earliest expiry among those
 * notes; posts are still found by community, member and thread through the indexes that stay.
 */
async function expectV3NoteCounters(db: KehilaDb, seed: Seed): Promise<void> {
  const notes = seed.notes as Note[];
  const now = Date.now();
  for (const member of seed.members as MemberV1[]) {
    const live = notes.filter((note) => note.memberId === member.id && note.deletedAt === null && (note.expiresAt === null || note.expiresAt > now));
    const stored = (await db.members.get(member.id))!;
    expect({ id: member.id, noteCount: stored.noteCount }).toEqual({ id: member.id, noteCount: live.length });
  }
  // Spelled out: ann has two live notes and a tombstone; zoe's community note expired (T0 + 30 days
  // is long past), her note without a community is live; the lurker has one.
  expect(await db.members.get(`${FORUM}:ann`)).toMatchObject({ noteCount: 2, notesExpireAt: null });
  expect(await db.members.get('reddit:zoe')).toMatchObject({ noteCount: 1, notesExpireAt: null });
  expect(await db.members.get(`${QUIET}:lurker`)).toMatchObject({ noteCount: 1, notesExpireAt: null });
  expect(await db.members.get('reddit:sam')).toMatchObject({ noteCount: 0, notesExpireAt: null });

  const posts = seed.posts as Post[];
  const indexes = (table: 'posts' | 'members' | 'memberships') => db.table(table).schema.indexes.map((index) => index.name).sort();
  expect(indexes('posts')).toEqual(['[communityId+observedAt]', '[communityId+publishedAt]', '[memberId+observedAt]', 'threadId']);
  expect(indexes('members')).toEqual(['linkedTo', 'role', 'tags']);
  expect(indexes('memberships')).toEqual(['[communityId+lastSeenAt]', 'memberId']);
  expect(await db.members.where('tags').equals('VIP').primaryKeys()).toEqual([`${FORUM}:ann`]);
  const inForum = await db.posts.where('[communityId+observedAt]').between([FORUM, -Infinity], [FORUM, Infinity]).primaryKeys();
  expect(inForum.sort()).toEqual(posts.filter((post) => post.communityId === FORUM).map((post) => post.id).sort());
  expect(await db.posts.where('threadId').equals(`${FORUM}:thread-1`).count()).toBe(posts.filter((post) => post.threadId === `${FORUM}:thread-1`).length);
}

// ---------------------------------------------------------------------------------------------
// v3: members carry their note counters; posts, members and memberships lost redundant indexes.

function seedV3(): Seed {
  const v2 = seedV2();
  const notes = v2.notes as Note[];
  return {
    ...v2,
    members: (v2.members as MemberV1[]).map((member) => ({ ...member, ...noteCounter(notes.filter((note) => note.memberId === member.id), T0) })),
  };
}

/** v3 → v4: an empty observation journal; nothing else moves. */
async function expectV4Journal(db: KehilaDb): Promise<void> {
  expect(db.table('journal').schema.primKey).toMatchObject({ keyPath: 'seq', auto: true });
  expect(await db.journal.count()).toBe(0);
}

// ---------------------------------------------------------------------------------------------
// v4: the observation journal; a member's presence in each community lived in memberships only.

function seedV4(): Seed {
  const v3 = seedV3();
  const post = (v3.posts as Post[])[0]!;
  // A batch answered but not yet folded when the upgrade runs: the worker replays it afterwards.
  const entry: JournalEntry = {
    seq: 1,
    at: T0 + 10 * DAY,
    community: { id: SUB, platform: 'reddit', name: 'r/kehila', url: 'https://old.reddit.com/r/kehila/' },
    posts: [
      {
        id: `${SUB}:post-journal`,
        communityId: SUB,
        threadId: post.threadId,
        parentId: null,
        kind: 'comment',
        author: { id: 'reddit:zoe', name: 'zoe', profileUrl: null, isWeak: false },
        publishedAt: null,
        url: null,
        text: 'answered before the upgrade',
      },
    ],
  };
  return { ...v3, journal: [entry] };
}

/** v4 → v5: each member row carries the figures of its membership rows, by community. */
async function expectV5Presence(db: KehilaDb): Promise<void> {
  await expectPresenceAsMemberships(db);
  // Spelled out for the seed: ann posted three times in the forum; zoe in two communities; the
  // lurker (notes only) in none.
  const ann = (await db.members.get(`${FORUM}:ann`))!.presence;
  expect(Object.keys(ann)).toEqual([FORUM]);
  expect(ann[FORUM]).toMatchObject({ lastSeenAt: T0 + 5 * DAY, postCount: 3 });
  expect(Object.keys((await db.members.get('reddit:zoe'))!.presence).sort()).toEqual([GROUP, SUB].sort());
  expect((await db.members.get(`${QUIET}:lurker`))!.presence).toEqual({});
  // A badge now reads the member row alone, and says what the membership row says.
  const [zoe] = await memberSummaries(db, SUB, ['reddit:zoe']);
  const { firstSeenAt, lastSeenAt, postCount } = (await db.memberships.get(membershipId(SUB, 'reddit:zoe')))!;
  expect(postCount).toBe(2);
  expect(zoe).toMatchObject({ postCount, firstSeenAt, lastSeenAt });
}

/** Every version but the current one, by version number. */
const CASES: Record<number, VersionCase> = {
  1: {
    seed: seedV1,
    expectDerived: async (db, seed) => {
      await expectV2Backfill(db, seed);
      await expectV3NoteCounters(db, seed);
      await expectV4Journal(db);
      await expectV5Presence(db);
    },
  },
  2: {
    seed: seedV2,
    expectDerived: async (db, seed) => {
      await expectV3NoteCounters(db, seed);
      await expectV4Journal(db);
      await expectV5Presence(db);
    },
  },
  3: {
    seed: seedV3,
    expectDerived: async (db) => {
      await expectV4Journal(db);
      await expectV5Presence(db);
    },
  },
  4: { seed: seedV4, expectDerived: expectV5Presence },
};

// ---------------------------------------------------------------------------------------------

const CURRENT = SCHEMA_VERSIONS.at(-1)!.version;
const OLDER = SCHEMA_VERSIONS.slice(0, -1);

let opened: KehilaDb[] = [];
const open = (name: string, upTo?: number, onUpgradeProgress?: (progress: UpgradeProgress) => void) => {
  const db = new KehilaDb(name, upTo, { onUpgradeProgress });
  opened.push(db);
  return db;
};

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  opened.forEach((db) => db.close());
  opened = [];
});

/** Open `name` at the `index`-th schema version, write the seed, close it. */
async function seedAt(name: string, index: number, seed: Seed): Promise<void> {
  const db = open(name, index + 1);
  await db.open();
  expect(db.verno).toBe(SCHEMA_VERSIONS[index]!.version);
  await db.transaction('rw', db.tables, async () => {
    for (const [table, rows] of Object.entries(seed)) await db.table(table).bulkAdd(rows);
  });
  db.close();
}

/** Only the fields the row had when seeded: later versions may add fields, never change these. */
function seededFields(stored: Row | undefined, seeded: Row): Row | undefined {
  return stored && Object.fromEntries(Object.keys(seeded).map((key) => [key, field(stored, key)]));
}

describe('schema versions', () => {
  it('are numbered upwards and each declares every table', () => {
    const numbers = SCHEMA_VERSIONS.map((version) => version.version);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    // Dexie wants the full schema in each version; a table left out of a later one would be deleted.
    for (let index = 1; index < SCHEMA_VERSIONS.length; index += 1) {
      const previous = Object.keys(SCHEMA_VERSIONS[index - 1]!.stores);
      const current = SCHEMA_VERSIONS[index]!.stores;
      for (const table of previous) expect(current, `v${SCHEMA_VERSIONS[index]!.version} drops ${table}`).toHaveProperty(table);
    }
  });

  it.each(OLDER.map((version) => version.version))('v%i has a migration case', (version) => {
    expect(CASES[version], `add a seed for v${version} to CASES in this file`).toBeDefined();
  });
});

describe.each(OLDER.map((version, index) => ({ version: version.version, index })))(`v$version → v${CURRENT}`, ({ version, index }) => {
  const testCase = () => {
    const found = CASES[version];
    if (!found) throw new Error(`No migration case for v${version}`);
    return found;
  };

  it('seeds a row in every table of that version', () => {
    const declared = Object.entries(SCHEMA_VERSIONS[index]!.stores)
      .filter(([, spec]) => spec !== null)
      .map(([table]) => table);
    const seed = testCase().seed();
    for (const table of declared) expect(seed[table]?.length ?? 0, `seed rows for ${table}`).toBeGreaterThan(0);
    expect(Object.keys(seed).sort()).toEqual(declared.sort());
  });

  it('keeps every seeded row, field for field', async () => {
    const name = `kehila-migration-v${version}-${crypto.randomUUID()}`;
    const seed = testCase().seed();
    await seedAt(name, index, seed);

    const db = open(name);
    await db.open();
    expect(db.verno).toBe(CURRENT);
    const dump = (await dumpDb(db)) as Record<string, Row[]>;

    for (const [table, rows] of Object.entries(seed)) {
      const primaryKey = db.table(table).schema.primKey.keyPath as string;
      const stored = new Map((dump[table] ?? []).map((row) => [field(row, primaryKey), row]));
      expect(stored.size, `rows in ${table}`).toBe(rows.length);
      for (const row of rows) expect(seededFields(stored.get(field(row, primaryKey)), row), `${table} ${String(field(row, primaryKey))}`).toEqual(row);
    }
  });

  it('derives what the upgrades add', async () => {
    const name = `kehila-migration-derived-v${version}-${crypto.randomUUID()}`;
    const seed = testCase().seed();
    await seedAt(name, index, seed);

    const db = open(name);
    await db.open();
    await testCase().expectDerived?.(db, seed);
  });

  it('leaves counters that ingest carries on from correctly', async () => {
    const name = `kehila-migration-ingest-v${version}-${crypto.randomUUID()}`;
    const seed = testCase().seed();
    await seedAt(name, index, seed);
    const db = open(name);
    await db.open();
    const before = (await db.communities.toArray()).find((community) => community.postCount > 0)!;
    const known = (await db.posts.where('[communityId+observedAt]').between([before.id, -Infinity], [before.id, Infinity]).first())!;
    const author = (await db.members.get(known.memberId))!;
    const observed = (id: string) => ({
      id,
      communityId: before.id,
      threadId: known.threadId,
      parentId: null,
      kind: 'comment' as const,
      author: { id: author.id, name: author.displayNames[0]!, profileUrl: null, isWeak: author.isWeak },
      publishedAt: null,
      url: null,
      text: 'seen after the upgrade',
    });

    await ingestObservation(db, { id: before.id, platform: before.platform, name: before.name, url: before.url }, [observed(known.id), observed(`${before.id}:new-after-upgrade`)], T0 + 60 * DAY);

    const after = (await db.communities.get(before.id))!;
    expect({ memberCount: after.memberCount, postCount: after.postCount }).toEqual({ memberCount: before.memberCount, postCount: before.postCount + 1 });
  });
});

describe('inChunks (how upgrades rewrite a whole table)', () => {
  it('hands every row over once, in key order, a chunk at a time, and sees rows the chunks rewrote', async () => {
    const db = open(`kehila-chunks-${crypto.randomUUID()}`);
    await db.open();
    // As an upgrade sees it: a table by name, rows and keys as stored.
    const memberships = db.table<Membership, string>('memberships');
    const ids = ['b', 'a', 'e', 'c', 'g', 'd', 'f'];
    await memberships.bulkAdd(ids.map((id) => ({ id, communityId: 'c', memberId: id, firstSeenAt: 0, lastSeenAt: 0, postCount: 0 })));
    const chunks: string[][] = [];
    await db.transaction('rw', memberships, () =>
      inChunks(
        memberships,
        async (rows) => {
          chunks.push(rows.map((row) => row.id));
          await memberships.bulkPut(rows.map((row) => ({ ...row, postCount: 1 })));
        },
        3,
      ),
    );
    expect(chunks).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect((await memberships.toArray()).every((row) => row.postCount === 1)).toBe(true);

    // A table whose size is a whole number of chunks ends on an empty read, not a missing row.
    const exact: string[][] = [];
    await inChunks(memberships, (rows) => void exact.push(rows.map((row) => row.id)), 7);
    expect(exact).toEqual([ids.toSorted()]);
  });
});

describe('upgrade progress (what the popup shows while a long upgrade runs)', () => {
  it('reports the v5 rewrite as it goes, up to every membership read and every member written', async () => {
    const name = `kehila-progress-${crypto.randomUUID()}`;
    const seed = seedV4();
    await seedAt(name, SCHEMA_VERSIONS.findIndex((version) => version.version === 4), seed);
    const reports: UpgradeProgress[] = [];
    const db = open(name, undefined, (progress) => reports.push(progress));
    await db.open();

    const total = seed.memberships!.length + seed.members!.length;
    expect(reports.length).toBeGreaterThanOrEqual(2); // memberships read, then members written
    expect(reports.every((report) => report.version === 5 && report.total === total)).toBe(true);
    expect(reports.map((report) => report.done)).toEqual(reports.map((report) => report.done).toSorted((a, b) => a - b));
    expect(reports.at(-1)!.done).toBe(total);
  });

  it('is published for every extension page, and cleared once the database opens', async () => {
    publishUpgradeProgress({ version: 5, done: 40, total: 100 });
    await expect.poll(readUpgradeProgress).toEqual({ version: 5, done: 40, total: 100 });

    // Left behind by an upgrade that was interrupted (its page closed): the next open clears it.
    const db = getDb();
    opened.push(db);
    expect(db.name).toBe(DB_NAME);
    await db.open();
    await expect.poll(readUpgradeProgress).toBeUndefined();
  });

  it('reads nothing from a malformed value', async () => {
    await fakeBrowser.storage.session.set({ 'kehila:upgrade': { version: 5, done: 'half', total: 100 } });
    expect(await readUpgradeProgress()).toBeUndefined();
    await fakeBrowser.storage.session.set({ 'kehila:upgrade': { version: 5, done: 3, total: 0 } });
    expect(await readUpgradeProgress()).toBeUndefined();
  });
});

describe(`a new install at v${CURRENT}`, () => {
  it('opens empty with every table', async () => {
    const db = open(`kehila-fresh-${crypto.randomUUID()}`);
    await db.open();

    expect(db.verno).toBe(CURRENT);
    expect(db.tables.map((table) => table.name).sort()).toEqual(Object.keys(SCHEMA_VERSIONS.at(-1)!.stores).sort());
    expect(Object.values(await dumpDb(db)).every((rows) => rows.length === 0)).toBe(true);
  });
});
