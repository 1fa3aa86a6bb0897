import type { MemberDetail, MemberSummary, NoteView } from '@/lib/messages/schema';
import type { Role } from '@/lib/model/member';
import type { KehilaDb } from './db';
import { counterIsStale, isLive, noteCounter } from './note-count';
import type { Member, Note, Presence } from './types';

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Rows written but not yet in the tables (the journal's): they stand in for the stored ones. */
export interface PendingRows {
  members: ReadonlyMap<string, Member>;
}

/**
 * Badge data for these members in one community: one key read per member however large the
 * database (the member row carries its presence in each community and its live note count), so
 * a member the database has never seen costs one read too. Only a member with a note that
 * expired since it was counted has its notes read. Rows in `pending` are read from there.
 */
export async function memberSummaries(
  db: KehilaDb,
  communityId: string,
  memberIds: readonly string[],
  now = Date.now(),
  pending?: PendingRows,
): Promise<MemberSummary[]> {
  const ids = [...new Set(memberIds)];
  return db.transaction('r', [db.members, db.notes], async () => {
    const members = (await readThrough(db.members, ids, pending?.members)).filter((member): member is Member => member !== undefined);
    const noteCounts = await currentNoteCounts(db, members, now);
    return members.map((member) => summaryOf(member, communityId, noteCounts.get(member.id)));
  });
}

/** The member's presence in this community (undefined: never seen there). */
export function presenceIn(member: Member, communityId: string): Presence | undefined {
  return Object.hasOwn(member.presence, communityId) ? member.presence[communityId] : undefined;
}

/** Rows by key: from `pending` where it has them, the rest in one bulk read. */
export async function readThrough<T>(table: { bulkGet(keys: string[]): Promise<(T | undefined)[]> }, keys: readonly string[], pending?: ReadonlyMap<string, T>): Promise<(T | undefined)[]> {
  if (!pending?.size) return table.bulkGet([...keys]);
  const missing = keys.filter((key) => !pending.has(key));
  const stored = missing.length ? await table.bulkGet(missing) : [];
  let next = 0;
  return keys.map((key) => pending.get(key) ?? stored[next++]);
}

/** What a badge shows for a member in a community, from its row (and a recount, if any). */
export function summaryOf(member: Member, communityId: string, noteCount = member.noteCount): MemberSummary {
  const presence = presenceIn(member, communityId);
  return {
    memberId: member.id,
    communityId,
    name: member.displayNames[0] ?? member.id,
    postCount: presence?.postCount ?? 0,
    firstSeenAt: presence?.firstSeenAt ?? null,
    lastSeenAt: presence?.lastSeenAt ?? null,
    noteCount,
    tags: member.tags,
    role: member.role,
  };
}

/**
 * Recount the notes of members whose stored count includes a note that has expired since
 * (rare: only notes given an expiry). Call inside a transaction that includes `notes`.
 */
export async function currentNoteCounts(db: KehilaDb, members: readonly (Member | undefined)[], now: number): Promise<Map<string, number>> {
  const stale = members.filter((member): member is Member => !!member && counterIsStale(member, now));
  const counts = await Promise.all(stale.map(async (member) => noteCounter(await db.notes.where('memberId').equals(member.id).toArray(), now).noteCount));
  return new Map(stale.map((member, index) => [member.id, counts[index]!]));
}

export async function memberDetail(db: KehilaDb, memberId: string, communityId: string | null, now = Date.now()): Promise<MemberDetail> {
  const member = await db.members.get(memberId);
  if (!member) throw new NotFoundError(`No member ${memberId}`);
  // Without a community, the first one the member was seen in; one seen nowhere yet gets zero counts.
  const scope = communityId ?? Object.keys(member.presence)[0] ?? member.platform;
  const [summary] = await memberSummaries(db, scope, [memberId], now);
  const notes = (await db.notes.where('memberId').equals(memberId).toArray())
    .filter((note) => isLive(note, now))
    .sort((a, b) => b.createdAt - a.createdAt)
    .map(noteView);
  return { summary: summary!, displayNames: member.displayNames, profileUrl: member.profileUrl, notes };
}

/** Add and remove tags; tags compare case-insensitively and keep the first spelling used. */
export async function tagMember(db: KehilaDb, memberId: string, add: readonly string[], remove: readonly string[]): Promise<string[]> {
  return db.transaction('rw', db.members, async () => {
    const member = await db.members.get(memberId);
    if (!member) throw new NotFoundError(`No member ${memberId}`);
    const removing = new Set(remove.map((tag) => tag.toLowerCase()));
    const tags = member.tags.filter((tag) => !removing.has(tag.toLowerCase()));
    for (const tag of add) {
      if (!tags.some((existing) => existing.toLowerCase() === tag.toLowerCase())) tags.push(tag);
    }
    await db.members.update(memberId, { tags });
    return tags;
  });
}

export async function setMemberRole(db: KehilaDb, memberId: string, role: Role): Promise<void> {
  const updated = await db.members.update(memberId, { role });
  if (!updated) throw new NotFoundError(`No member ${memberId}`);
}

export function noteView(note: Note): NoteView {
  return {
    id: note.id,
    memberId: note.memberId,
    communityId: note.communityId,
    body: note.body,
    author: note.author,
    createdAt: note.createdAt,
    updatedAt: note.updatedAt,
  };
}
