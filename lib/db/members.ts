import type { MemberDetail, MemberSummary, NoteView } from '@/lib/messages/schema';
import type { Role } from '@/lib/model/member';
import type { KehilaDb } from './db';
import { membershipId } from './ingest';
import type { Note } from './types';

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/**
 * Badge data for these members in one community: a few indexed reads, however large the
 * database (memberships and members by primary key, notes by the memberId index).
 */
export async function memberSummaries(db: KehilaDb, communityId: string, memberIds: readonly string[], now = Date.now()): Promise<MemberSummary[]> {
  const ids = [...new Set(memberIds)];
  return db.transaction('r', [db.members, db.memberships, db.notes], async () => {
    const [members, memberships, notes] = await Promise.all([
      db.members.bulkGet(ids),
      db.memberships.bulkGet(ids.map((memberId) => membershipId(communityId, memberId))),
      db.notes.where('memberId').anyOf(ids).toArray(),
    ]);
    const noteCounts = new Map<string, number>();
    for (const note of notes) {
      if (isLive(note, now)) noteCounts.set(note.memberId, (noteCounts.get(note.memberId) ?? 0) + 1);
    }
    return ids.flatMap((memberId, index): MemberSummary[] => {
      const member = members[index];
      if (!member) return [];
      const membership = memberships[index];
      return [
        {
          memberId,
          communityId,
          name: member.displayNames[0] ?? memberId,
          postCount: membership?.postCount ?? 0,
          firstSeenAt: membership?.firstSeenAt ?? null,
          lastSeenAt: membership?.lastSeenAt ?? null,
          noteCount: noteCounts.get(memberId) ?? 0,
          tags: member.tags,
          role: member.role,
        },
      ];
    });
  });
}

export async function memberDetail(db: KehilaDb, memberId: string, communityId: string | null, now = Date.now()): Promise<MemberDetail> {
  const member = await db.members.get(memberId);
  if (!member) throw new NotFoundError(`No member ${memberId}`);
  // Without a community, the member's first one; a member with none yet gets zero counts.
  const scope = communityId ?? (await db.memberships.where('memberId').equals(memberId).first())?.communityId ?? member.platform;
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

export function isLive(note: Note, now: number): boolean {
  return note.deletedAt === null && (note.expiresAt === null || note.expiresAt > now);
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
