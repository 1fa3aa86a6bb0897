import type { NoteView } from '@/lib/messages/schema';
import type { KehilaDb } from './db';
import { noteView, NotFoundError } from './members';
import { isLive, noteCounter } from './note-count';
import type { Note } from './types';

export interface NewNote {
  memberId: string;
  communityId: string | null;
  postId: string | null;
  body: string;
  author: string;
}

/** Add a note; the member's and the community's note counters move with it. */
export async function addNote(db: KehilaDb, input: NewNote, now = Date.now()): Promise<NoteView> {
  return db.transaction('rw', [db.notes, db.members, db.communities, db.interactions], async () => {
    if (!(await db.members.get(input.memberId))) throw new NotFoundError(`No member ${input.memberId}`);
    const note: Note = { id: crypto.randomUUID(), ...input, createdAt: now, updatedAt: now, expiresAt: null, deletedAt: null };
    await db.notes.add(note);
    await recountMemberNotes(db, note.memberId, now);
    await bumpNoteCount(db, note.communityId, 1);
    await db.interactions.add({
      id: crypto.randomUUID(),
      kind: 'noted',
      memberId: note.memberId,
      communityId: note.communityId,
      postId: note.postId,
      templateId: null,
      at: now,
    });
    return noteView(note);
  });
}

export async function updateNote(db: KehilaDb, id: string, body: string, now = Date.now()): Promise<NoteView> {
  return db.transaction('rw', db.notes, async () => {
    const note = await db.notes.get(id);
    if (!note || !isLive(note, now)) throw new NotFoundError(`No note ${id}`);
    const updated = { ...note, body, updatedAt: now };
    await db.notes.put(updated);
    return noteView(updated);
  });
}

/** Soft delete: the row stays as a tombstone (for sync) with its body erased. */
export async function deleteNote(db: KehilaDb, id: string, now = Date.now()): Promise<Note> {
  return db.transaction('rw', [db.notes, db.members, db.communities], async () => {
    const note = await db.notes.get(id);
    if (!note || note.deletedAt !== null) throw new NotFoundError(`No note ${id}`);
    const tombstone = { ...note, body: '', updatedAt: now, deletedAt: now };
    await db.notes.put(tombstone);
    await recountMemberNotes(db, note.memberId, now);
    await bumpNoteCount(db, note.communityId, -1);
    return tombstone;
  });
}

/** The member row's live note count, from the member's notes (a handful; read by index). */
async function recountMemberNotes(db: KehilaDb, memberId: string, now: number): Promise<void> {
  const notes = await db.notes.where('memberId').equals(memberId).toArray();
  await db.members.update(memberId, noteCounter(notes, now));
}

async function bumpNoteCount(db: KehilaDb, communityId: string | null, by: number): Promise<void> {
  if (!communityId) return;
  await db.communities
    .where('id')
    .equals(communityId)
    .modify((community) => {
      community.noteCount = Math.max(0, community.noteCount + by);
    });
}
