/**
 * Every message that crosses into the background, as zod schemas: the single source of truth
 * (types only via z.infer). The background validates each message once, at its door.
 */
import { z } from 'zod/mini';
import { EntityId, ObservedCommunity, ObservedPost, WebUrl } from '@/lib/model/observed';
import { ROLES } from '@/lib/model/member';

const id = EntityId;
const origin = z.string().check(
  z.maxLength(300),
  z.refine((value) => {
    try {
      const url = new URL(value);
      // URL accepts `https://*`, which as a match pattern (`https://*/*`) would be every site.
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value && !url.hostname.includes('*');
    } catch {
      return false;
    }
  }, 'Expected an http(s) origin such as https://forum.example.org'),
);

const webUrl = WebUrl;

export const NOTE_MAX_LENGTH = 5000;
export const TAG_MAX_LENGTH = 40;
export const NoteBody = z.string().check(z.trim(), z.minLength(1, 'A note cannot be empty'), z.maxLength(NOTE_MAX_LENGTH));
export const Tag = z
  .string()
  .check(z.trim(), z.minLength(1), z.maxLength(TAG_MAX_LENGTH), z.regex(/^[^,<>]+$/, 'Tags cannot contain commas or angle brackets'));

export const Request = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('observe/posts'),
    adapter: z.string().check(z.minLength(1), z.maxLength(40)),
    url: z.string().check(z.maxLength(2048)),
    community: ObservedCommunity,
    posts: z.array(ObservedPost).check(z.maxLength(500)),
  }),
  z.object({ type: z.literal('members/summaries'), communityId: id, memberIds: z.array(id).check(z.maxLength(1000)) }),
  z.object({ type: z.literal('members/get'), memberId: id, communityId: z.nullable(id) }),
  z.object({
    type: z.literal('members/tag'),
    memberId: id,
    add: z._default(z.array(Tag).check(z.maxLength(20)), []),
    remove: z._default(z.array(Tag).check(z.maxLength(20)), []),
  }),
  z.object({ type: z.literal('members/role'), memberId: id, role: z.enum(ROLES) }),
  z.object({
    type: z.literal('notes/add'),
    memberId: id,
    communityId: z.nullable(id),
    postId: z._default(z.nullable(id), null),
    body: NoteBody,
  }),
  z.object({ type: z.literal('notes/update'), id, body: NoteBody }),
  z.object({ type: z.literal('notes/delete'), id }),
  z.object({ type: z.literal('sites/status'), url: z.string().check(z.maxLength(2048)) }),
  z.object({ type: z.literal('sites/track'), origin }),
  z.object({ type: z.literal('sites/untrack'), origin }),
  z.object({ type: z.literal('sites/list') }),
  z.object({ type: z.literal('status/storage') }),
  z.object({ type: z.literal('sites/rule'), origin }),
  /** The rule is validated by the handler with parseCustomSiteRule (lib/adapters/custom.ts). */
  z.object({ type: z.literal('sites/save-rule'), rule: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('sites/delete-rule'), origin }),
  z.object({
    type: z.literal('adapter/report'),
    adapter: z.string().check(z.minLength(1), z.maxLength(40)),
    // The handler keys the issue by this page's origin: it must be a web page's address.
    url: webUrl,
    pageKind: z.string().check(z.maxLength(100)),
    message: z.string().check(z.maxLength(1000)),
  }),
]);
export type Request = z.infer<typeof Request>;
export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;
/** What a caller writes: defaults may be left out. */
export type RequestInput<T extends RequestType> = Extract<z.input<typeof Request>, { type: T }>;

export const MemberSummary = z.object({
  memberId: id,
  communityId: id,
  name: z.string(),
  postCount: z.int().check(z.gte(0)),
  firstSeenAt: z.nullable(z.number()),
  lastSeenAt: z.nullable(z.number()),
  noteCount: z.int().check(z.gte(0)),
  tags: z.array(z.string()),
  role: z.enum(ROLES),
});
export type MemberSummary = z.infer<typeof MemberSummary>;

/**
 * What a page needs to draw a member's badge: the summary, and what the badge says in words
 * (its accessible label) in the manager's language. The background words it, since it has the
 * strings at hand: a page's first browser.i18n call fetches the whole message bundle
 * synchronously (1.4–5.5 ms measured), paid by the first badge drawn on every page.
 */
export const BadgeSummary = z.extend(MemberSummary, { label: z.string() });
export type BadgeSummary = z.infer<typeof BadgeSummary>;

export const NoteView = z.object({
  id,
  memberId: id,
  communityId: z.nullable(id),
  body: z.string(),
  author: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type NoteView = z.infer<typeof NoteView>;

export const MemberDetail = z.object({
  summary: MemberSummary,
  displayNames: z.array(z.string()),
  profileUrl: z.nullable(z.string()),
  notes: z.array(NoteView),
});
export type MemberDetail = z.infer<typeof MemberDetail>;

export const SiteStatus = z.object({
  origin: z.nullable(z.string()),
  /** built-in: covered by the manifest; tracked: the user added it; none: neither; unsupported: not a web page. */
  state: z.enum(['built-in', 'tracked', 'none', 'unsupported']),
});
export type SiteStatus = z.infer<typeof SiteStatus>;

export const ErrorCode = z.enum(['invalid-message', 'forbidden-sender', 'not-found', 'permission-missing', 'storage-full', 'internal']);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** What each request answers with, validated by the client. */
export const Responses = {
  'observe/posts': z.object({ stored: z.int(), summaries: z.array(BadgeSummary) }),
  'members/summaries': z.array(BadgeSummary),
  'members/get': MemberDetail,
  'members/tag': z.object({ memberId: id, tags: z.array(z.string()) }),
  'members/role': z.object({ memberId: id, role: z.enum(ROLES) }),
  'notes/add': NoteView,
  'notes/update': NoteView,
  'notes/delete': z.object({ id }),
  'sites/status': SiteStatus,
  'sites/track': SiteStatus,
  'sites/untrack': SiteStatus,
  'adapter/report': z.object({ recorded: z.boolean() }),
  'sites/list': z.array(z.object({ origin: z.string(), addedAt: z.number(), hasRule: z.boolean(), granted: z.boolean() })),
  'sites/rule': z.object({ rule: z.nullable(z.record(z.string(), z.unknown())) }),
  'sites/save-rule': z.object({ origin: z.string() }),
  'sites/delete-rule': z.object({ origin: z.string() }),
  'status/storage': z.object({
    /** Posts answered to pages but not yet in the tables (lib/db/journal.ts). */
    waitingPosts: z.int(),
    /** The last failure to store what pages showed, until storing works again. */
    failure: z.nullable(z.object({ at: z.number(), code: ErrorCode, message: z.string() })),
  }),
} satisfies Record<RequestType, z.ZodMiniType>;
export type ResponseOf<T extends RequestType> = z.infer<(typeof Responses)[T]>;

export const Envelope = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) }),
]);
export type Envelope<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

/**
 * Extension → content scripts: members changed (refresh their badges); the dashboard asks
 * the page to try a custom-selector rule before it is saved (answered with a RuleCheck); or the
 * background asks whether a live forum script runs in the tab (answered `true` by one).
 */
export const Broadcast = z.discriminatedUnion('type', [
  z.object({ type: z.literal('members/changed'), memberIds: z.array(id).check(z.maxLength(1000)) }),
  z.object({ type: z.literal('rules/check'), rule: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('forum/ping') }),
]);
export type Broadcast = z.infer<typeof Broadcast>;
