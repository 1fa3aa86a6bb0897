/**
 * Test helpers shared by the unit tests: a fresh database per test, a full dump of a database
 * for "nothing changed" assertions, and small builders for observed pages.
 */
import type Dexie from 'dexie';
import { expect } from 'vitest';
import { KehilaDb } from '@/lib/db/db';
import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';

let counter = 0;

/** A new, uniquely named database (fake-indexeddb keeps every database for the whole run). */
export function freshDb(label = 'test'): KehilaDb {
  counter += 1;
  return new KehilaDb(`kehila-${label}-${counter}-${crypto.randomUUID()}`);
}

/**
 * Every row of every table, as plain data, keyed by table name. Two dumps compare with
 * `toEqual`, so "the database is unchanged" is one assertion that covers every table,
 * including tables added after this helper was written.
 */
export async function dumpDb(db: Dexie): Promise<Record<string, unknown[]>> {
  const entries = await Promise.all(db.tables.map(async (table) => [table.name, await table.toArray()] as const));
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** Every member row's presence says what its membership rows say, community by community. */
export async function expectPresenceAsMemberships(db: KehilaDb): Promise<void> {
  const memberships = await db.memberships.toArray();
  for (const member of await db.members.toArray()) {
    const rows = memberships.filter((row) => row.memberId === member.id);
    const expected = Object.fromEntries(rows.map(({ communityId, firstSeenAt, lastSeenAt, postCount }) => [communityId, { firstSeenAt, lastSeenAt, postCount }]));
    expect({ member: member.id, presence: member.presence }).toEqual({ member: member.id, presence: expected });
  }
}

export const COMMUNITY: ObservedCommunity = {
  id: 'discourse:forum.example.org',
  platform: 'discourse',
  name: 'Example Forum',
  url: 'https://forum.example.org',
};

export const OTHER_COMMUNITY: ObservedCommunity = {
  id: 'discourse:other.example.org',
  platform: 'discourse',
  name: 'Other Forum',
  url: 'https://other.example.org',
};

/** An observed post in `community`; `key` makes the post id, `author` the member key. */
export function observedPost(
  key: string,
  author: string,
  overrides: Partial<Omit<ObservedPost, 'author'>> & { author?: Partial<ObservedPost['author']> } = {},
  community: ObservedCommunity = COMMUNITY,
): ObservedPost {
  const { author: authorOverrides, ...rest } = overrides;
  return {
    id: `${community.id}:${key}`,
    communityId: community.id,
    threadId: `${community.id}:t1`,
    parentId: null,
    kind: 'post',
    publishedAt: '2026-01-10T09:30:00Z',
    url: `${community.url}/t/1/${key}`,
    text: `Text of ${key}`,
    ...rest,
    author: {
      id: `${community.id}:${author}`,
      name: author,
      profileUrl: `${community.url}/u/${author}`,
      isWeak: false,
      ...authorOverrides,
    },
  };
}

export const memberKey = (author: string, community: ObservedCommunity = COMMUNITY) => `${community.id}:${author}`;
