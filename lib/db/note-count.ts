import type { Member, Note } from './types';

/** What a member row carries about its notes, so a badge needs no notes query. */
export type NoteCounter = Pick<Member, 'noteCount' | 'notesExpireAt'>;

export function isLive(note: Note, now: number): boolean {
  return note.deletedAt === null && (note.expiresAt === null || note.expiresAt > now);
}

/** Count a member's live notes, and remember when the first of them expires (then it is recounted). */
export function noteCounter(notes: readonly Note[], now: number): NoteCounter {
  let noteCount = 0;
  let notesExpireAt: number | null = null;
  for (const note of notes) {
    if (!isLive(note, now)) continue;
    noteCount += 1;
    if (note.expiresAt !== null) notesExpireAt = notesExpireAt === null ? note.expiresAt : Math.min(notesExpireAt, note.expiresAt);
  }
  return { noteCount, notesExpireAt };
}

/** True when the stored count may include a note that has expired since it was counted. */
export function counterIsStale(member: NoteCounter, now: number): boolean {
  return member.notesExpireAt !== null && member.notesExpireAt <= now;
}
