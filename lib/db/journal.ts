import type { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import type { KehilaDb } from './db';
import { ingestBatch, ingestObservation, planIngest, readForIngest, resultOf, type IngestPlan, type IngestResult } from './ingest';
import { memberSummaries } from './members';
import type { Community, JournalEntry, Member, Membership, Post } from './types';
import type { MemberSummary } from '@/lib/messages/schema';

/**
 * Posts per journal row. Chromium moves an IndexedDB value over about 64 KiB out to a file of
 * its own, and writing that file cost as much as writing the 200 posts into their indexed table
 * (measured: one 130 KB row 65 ms, the same posts in rows of 50 3.5 ms).
 */
export const JOURNAL_ROW_POSTS = 50;
/** The journal is folded once ingest has been quiet this long. */
export const FOLD_IDLE_MS = 300;
/**
 * Pending posts (kept in memory until folded: about 1 KiB each with 200-character texts) at
 * which a fold starts without waiting for quiet. It bounds the memory they hold and how long a
 * reader may wait for a fold (10,000 posts into a database of a million: about 2.5 s on two
 * cores); a burst of up to this many posts is answered at the journal's speed, and beyond it
 * ingest goes at the fold's.
 */
export const FOLD_AT_POSTS = 10_000;
/** The same bound on the pending posts' text (UTF-16 code units), for long posts. */
export const FOLD_AT_TEXT = 4_000_000;

/** The tables a fold writes, and the journal entries it has consumed. */
interface Pending {
  communities: Map<string, Community>;
  members: Map<string, Member>;
  /** By membership id: written by the fold, never read (a member row carries the same figures). */
  memberships: Map<string, Membership>;
  posts: Map<string, Post>;
  /** Length of the pending posts' text. */
  text: number;
  /** The last journal entry these rows include. */
  upTo: number;
}

const nothingPending = (): Pending => ({ communities: new Map(), members: new Map(), memberships: new Map(), posts: new Map(), text: 0, upTo: 0 });

/** What the journal holds and whether storing has failed since everything was last in the tables. */
export interface JournalStatus {
  /** Posts answered but not yet in the posts table. */
  waitingPosts: number;
  /** The last failure to store a batch or to fold, until a fold succeeds (undefined: none). */
  failure: { at: number; error: unknown } | undefined;
}

export interface JournalOptions {
  idleMs?: number;
  foldAtPosts?: number;
  foldAtText?: number;
  /** Where a fold that nobody awaits reports its failure. */
  onError?: (error: unknown) => void;
}

/**
 * How the background stores what pages show at the speed pages show it.
 *
 * Every post, member and membership a batch touches is a row and a handful of index entries,
 * and IndexedDB's cost is per entry written: into a database of a million posts, 200 posts took
 * 70 ms and the 125 memberships of their authors 46 ms, however the writes were grouped. So a
 * batch is answered from a plan (ingest.ts `planIngest`, the very decision a direct ingest
 * makes) over the stored rows and the rows still pending here, and made durable as a few
 * unindexed journal rows (the part of the batch a replay needs: `toReplay`) before the answer
 * goes. Folding writes the pending rows into their tables and deletes the journal entries they
 * include, in one transaction, once ingest is quiet (or the pending posts reach FOLD_AT_POSTS
 * or FOLD_AT_TEXT).
 *
 * What holds:
 * - Nothing answered is lost: if the worker stops before a fold, the next one replays the
 *   journal entries in order, each at its own time, through the direct ingest (which reaches
 *   the same rows: the plan is a pure function of the stored rows, the batch and the time).
 * - Badge answers (`ingest`, `summaries`) see the pending rows. Everything else that reads or
 *   writes communities, members, memberships or posts calls `settle()` first; the background's
 *   handlers do so. (Extension pages that read the tables themselves, like the popup, see a
 *   batch once it is folded: within FOLD_IDLE_MS of the page going quiet, plus the fold.)
 * - Journal operations run one at a time, in the order they were asked for.
 * - A failed journal write (a full disk) changes nothing and fails the ingest; a failed fold
 *   keeps the rows pending and the journal as it was, and fails the settle() that asked for it.
 */
export class ObservationJournal {
  private pending = nothingPending();
  private queue: Promise<unknown> = Promise.resolve();
  private replayed: Promise<void> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private failure: JournalStatus['failure'];
  private readonly idleMs: number;
  private readonly foldAtPosts: number;
  private readonly foldAtText: number;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly db: KehilaDb,
    options: JournalOptions = {},
  ) {
    this.idleMs = options.idleMs ?? FOLD_IDLE_MS;
    this.foldAtPosts = options.foldAtPosts ?? FOLD_AT_POSTS;
    this.foldAtText = options.foldAtText ?? FOLD_AT_TEXT;
    this.onError = options.onError ?? ((error) => console.error('Kehila: could not fold the observation journal', error));
  }

  /** Posts answered but not yet in the posts table. */
  get pendingPosts(): number {
    return this.pending.posts.size;
  }

  /** For the popup: what is waiting, and the last failure to store (a full disk) if any. */
  status(): JournalStatus {
    return { waitingPosts: this.pending.posts.size, failure: this.failure };
  }

  /** Store a page's batch (ingest.ts `ingestObservation`, answered before the tables are written). */
  ingest(observed: ObservedCommunity, posts: readonly ObservedPost[], now = Date.now()): Promise<IngestResult> {
    const batch = ingestBatch(observed, posts);
    return this.serially(async () => {
      const { plan, noteCounts } = await this.plan(observed, batch, now);
      const upTo = await this.append(observed, toReplay(batch, plan), now).catch((error: unknown) => {
        this.failure = { at: Date.now(), error };
        throw error;
      });
      this.hold(plan, upTo);
      this.scheduleFold();
      return resultOf(plan, observed.id, noteCounts);
    });
  }

  /** Badge data for these members, pending rows included (members.ts `memberSummaries`). */
  summaries(communityId: string, memberIds: readonly string[], now = Date.now()): Promise<MemberSummary[]> {
    return this.serially(() => memberSummaries(this.db, communityId, memberIds, now, this.pending));
  }

  /** Resolves once everything answered so far is in the tables. */
  settle(): Promise<void> {
    return this.serially(() => this.fold());
  }

  /** Let the worker stop cleanly: no timer left behind (pending rows stay in the journal). */
  dispose(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => this.replay()).then(step);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The plan for a batch over pending and stored rows, and the note counts its answer shows. */
  private async plan(observed: ObservedCommunity, batch: readonly ObservedPost[], now: number): Promise<{ plan: IngestPlan; noteCounts: Map<string, number> }> {
    const { db } = this;
    return db.transaction('r', [db.communities, db.members, db.posts, db.notes], async () => {
      const { reads, noteCounts } = await readForIngest(db, observed, batch, now, this.pending);
      return { plan: planIngest(observed, batch, reads, now), noteCounts };
    });
  }

  /** Write what replaying the batch needs to the journal; the key of its last entry. */
  private async append(observed: ObservedCommunity, batch: readonly ObservedPost[], at: number): Promise<number> {
    const entries: JournalEntry[] = [];
    // Always one entry, even for a batch with no posts of this community: it still upserts it.
    for (let start = 0; start === 0 || start < batch.length; start += JOURNAL_ROW_POSTS) {
      entries.push({ at, community: observed, posts: batch.slice(start, start + JOURNAL_ROW_POSTS) });
    }
    // In a transaction of its own: a bulkAdd that fails part-way keeps none of its rows.
    const keys = await this.db.transaction('rw', this.db.journal, () => this.db.journal.bulkAdd(entries, { allKeys: true }));
    return Math.max(...keys.map((key) => key ?? 0));
  }

  private hold(plan: IngestPlan, upTo: number): void {
    const { pending } = this;
    pending.communities.set(plan.community.id, plan.community);
    for (const member of plan.members) pending.members.set(member.id, member);
    for (const membership of plan.memberships) pending.memberships.set(membership.id, membership);
    for (const post of plan.posts) {
      pending.text += post.text.length - (pending.posts.get(post.id)?.text.length ?? 0);
      pending.posts.set(post.id, post);
    }
    pending.upTo = upTo;
  }

  private scheduleFold(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const fold = () => void this.settle().catch(this.onError);
    if (this.pending.posts.size >= this.foldAtPosts || this.pending.text >= this.foldAtText) fold();
    else this.idleTimer = setTimeout(fold, this.idleMs);
  }

  /** Write every pending row and delete the journal entries they include, in one transaction. */
  private async fold(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const { db, pending } = this;
    if (pending.upTo === 0) return;
    // A failure leaves `pending` and the journal as they were: the next batch's fold, the next
    // settle() or, should the worker stop first, the next worker's replay tries again.
    try {
      await db.transaction('rw', [db.communities, db.members, db.memberships, db.posts, db.journal], async () => {
        await Promise.all([
          db.communities.bulkPut([...pending.communities.values()]),
          pending.members.size ? db.members.bulkPut([...pending.members.values()]) : undefined,
          pending.memberships.size ? db.memberships.bulkPut([...pending.memberships.values()]) : undefined,
          pending.posts.size ? db.posts.bulkPut([...pending.posts.values()]) : undefined,
          db.journal.where('seq').belowOrEqual(pending.upTo).delete(),
        ]);
      });
    } catch (error) {
      this.failure = { at: Date.now(), error };
      throw error;
    }
    this.failure = undefined;
    // Operations run one at a time, so nothing was added to `pending` during the fold.
    this.pending = nothingPending();
  }

  /**
   * Entries a previous worker answered but did not fold: replayed in order through the direct
   * ingest, each at its own time, and deleted in the same transaction. Runs before anything
   * else this journal does; a replay that fails is tried again by the next operation.
   */
  private replay(): Promise<void> {
    this.replayed ??= (async () => {
      const { db } = this;
      for (;;) {
        const entries = await db.journal.orderBy('seq').limit(100).toArray();
        if (!entries.length) return;
        await db.transaction('rw', [db.communities, db.members, db.memberships, db.posts, db.notes, db.journal], async () => {
          for (const entry of entries) await ingestObservation(db, entry.community, entry.posts, entry.at);
          await db.journal.bulkDelete(entries.map((entry) => entry.seq!));
        });
      }
    })().catch((error: unknown) => {
      this.replayed = undefined;
      throw error;
    });
    return this.replayed;
  }
}

/**
 * The posts of a batch that its replay needs: each post whose row the plan writes, and every
 * post of a member the plan changes (a changed membership changes its member too). A post seen
 * again unchanged, by an author the batch does not change, plans no write, so a replay without
 * it reaches the same rows (planIngest decides each post from its stored row and each member
 * from its own posts). A revisit, most of what pages send, journals next to nothing instead of
 * every post it showed.
 */
export function toReplay(batch: readonly ObservedPost[], plan: IngestPlan): ObservedPost[] {
  const written = new Set(plan.posts.map((post) => post.id));
  const members = new Set(plan.members.map((member) => member.id));
  return batch.filter((post) => written.has(post.id) || members.has(post.author.id));
}
