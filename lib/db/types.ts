import type { Audience, Role } from '@/lib/model/member';
import type { ObservedCommunity, ObservedPost, Platform, PostKind } from '@/lib/model/observed';

/** Rows of the Kehila database (DESIGN.md "Data model"). All ids are strings; times are epoch ms. */

export interface Community {
  id: string;
  platform: Platform;
  name: string;
  url: string;
  audience: Audience;
  /** 1 when tracked (IndexedDB cannot index booleans). */
  tracked: 0 | 1;
  responseTargetHours: number;
  createdAt: number;
  /** Running counters kept by ingest, so the popup never scans posts. */
  memberCount: number;
  postCount: number;
  noteCount: number;
  lastActivityAt: number;
}

export interface Member {
  id: string;
  platform: Platform;
  displayNames: string[];
  profileUrl: string | null;
  isWeak: boolean;
  firstSeenAt: number;
  lastSeenAt: number;
  tags: string[];
  role: Role;
  /** Same person on another platform (reversible merge): the id of the member this one joins. */
  linkedTo: string | null;
  /** Live notes about this member (kept with every note write), so a badge reads no notes. */
  noteCount: number;
  /** The earliest expiry among those notes: from then on the count is recounted from the notes. */
  notesExpireAt: number | null;
  /**
   * By community id: the member's presence there, the same figures as its Membership row (ingest
   * writes both, in one transaction). A badge reads them here, so it costs one key read.
   */
  presence: Record<string, Presence>;
}

/** How long, and how much, a member has been seen in one community. */
export interface Presence {
  firstSeenAt: number;
  lastSeenAt: number;
  postCount: number;
}

/**
 * A member's presence in one community, one row each, for the queries that go by community
 * (the members of a community by when they were last seen). Kept by ingest with Member.presence.
 */
export interface Membership extends Presence {
  /** `<communityId>|<memberId>` */
  id: string;
  communityId: string;
  memberId: string;
}

export interface Post {
  id: string;
  communityId: string;
  memberId: string;
  threadId: string;
  parentId: string | null;
  kind: PostKind;
  /** When the page says it was published; null when it does not say. */
  publishedAt: number | null;
  firstObservedAt: number;
  observedAt: number;
  url: string | null;
  text: string;
  language: string | null;
  sentiment: number | null;
  intent: string | null;
}

export interface Note {
  id: string;
  memberId: string;
  communityId: string | null;
  postId: string | null;
  body: string;
  author: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  /** Soft-delete tombstone (kept for sync); null while the note is alive. */
  deletedAt: number | null;
}

export const INTERACTION_KINDS = ['replied', 'noted', 'tagged', 'used-template'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export interface Interaction {
  id: string;
  kind: InteractionKind;
  memberId: string | null;
  communityId: string | null;
  postId: string | null;
  templateId: string | null;
  at: number;
}

export interface ReplyTemplate {
  id: string;
  title: string;
  body: string;
  language: string;
  intents: string[];
  tags: string[];
  shortcut: string | null;
  usageCount: number;
  lastUsedAt: number | null;
}

export interface Rollup {
  /** `<communityId>|<yyyy-mm-dd>` */
  id: string;
  communityId: string;
  day: string;
  posts: number;
  comments: number;
  activeMembers: number;
  newMembers: number;
  firstResponseHours: number[];
  sentiment: { positive: number; neutral: number; negative: number };
}

export interface Alert {
  id: string;
  communityId: string;
  kind: 'volume' | 'negative-share' | 'unanswered-negative';
  severity: 'info' | 'warning' | 'critical';
  openedAt: number;
  resolvedAt: number | null;
  evidence: string[];
}

/** A forum origin the user tracks: its host permission and registered content script. */
export interface TrackedSite {
  origin: string;
  addedAt: number;
  /** User-defined selectors for a forum no built-in adapter reads (a CustomSiteRule). */
  rule?: Record<string, unknown>;
}

/** A page an adapter claimed but could not read: the popup's "needs attention". */
export interface AdapterIssue {
  /** `<adapter>|<origin>` */
  id: string;
  adapter: string;
  origin: string;
  pageKind: string;
  url: string;
  message: string;
  at: number;
}

/**
 * What one page batch showed, as received (validated), kept until the journal is folded into
 * the tables above; replaying the entries in order, each at its own time, rebuilds those rows.
 * An update may find entries its previous version wrote (the worker stopped before folding):
 * a change to ObservedPost's shape must still replay them, or fold them in a schema upgrade.
 */
export interface JournalEntry {
  /** Auto-incremented: the order the batches were answered in. */
  seq?: number;
  /** The ingest time the batch was answered with. */
  at: number;
  community: ObservedCommunity;
  /**
   * The batch's posts that its replay needs: those it wrote or whose authors it changed
   * (journal.ts `toReplay`; a large batch spans several entries with the same `at`).
   */
  posts: ObservedPost[];
}
