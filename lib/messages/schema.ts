/**
 * Every message that crosses into the background, as zod schemas: the single source of truth
 * (types only via z.infer). The background validates each message once, at its door.
 */
import { z } from 'zod';
import { ObservedCommunity, ObservedPost } from '@/lib/model/observed';
import { ROLES } from '@/lib/model/member';

const id = z.string().min(1).max(512);
const origin = z
  .string()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      // URL accepts `https://*`, which as a match pattern (`https://*/*`) would be every site.
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value && !url.hostname.includes('*');
    } catch {
      return false;
    }
  }, 'Expected an http(s) origin such as https://forum.example.org');

const webUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'https:' || protocol === 'http:';
    } catch {
      return false;
    }
  }, 'Expected an http(s) address');

export const NOTE_MAX_LENGTH = 5000;
export const TAG_MAX_LENGTH = 40;
export const NoteBody = z.string().trim().min(1, 'A note cannot be empty').max(NOTE_MAX_LENGTH);
export const Tag = z
  .string()
  .trim()
  .min(1)
  .max(TAG_MAX_LENGTH)
  .regex(/^[^,<>]+$/, 'Tags cannot contain commas or angle brackets');

export const Request = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('observe/posts'),
    adapter: z.string().min(1).max(40),
    url: z.string().max(2048),
    community: ObservedCommunity,
    posts: z.array(ObservedPost).max(500),
  }),
  z.object({ type: z.literal('members/summaries'), communityId: id, memberIds: z.array(id).max(1000) }),
  z.object({ type: z.literal('members/get'), memberId: id, communityId: id.nullable() }),
  z.object({
    type: z.literal('members/tag'),
    memberId: id,
    add: z.array(Tag).max(20).default([]),
    remove: z.array(Tag).max(20).default([]),
  }),
  z.object({ type: z.literal('members/role'), memberId: id, role: z.enum(ROLES) }),
  z.object({
    type: z.literal('notes/add'),
    memberId: id,
    communityId: id.nullable(),
    postId: id.nullable().default(null),
    body: NoteBody,
  }),
  z.object({ type: z.literal('notes/update'), id, body: NoteBody }),
  z.object({ type: z.literal('notes/delete'), id }),
  z.object({ type: z.literal('sites/status'), url: z.string().max(2048) }),
  z.object({ type: z.literal('sites/track'), origin }),
  z.object({ type: z.literal('sites/untrack'), origin }),
  z.object({ type: z.literal('sites/list') }),
  z.object({ type: z.literal('sites/rule'), origin }),
  /** The rule is validated by the handler against CustomSiteRule (lib/adapters/custom.ts). */
  z.object({ type: z.literal('sites/save-rule'), rule: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('sites/delete-rule'), origin }),
  z.object({
    type: z.literal('adapter/report'),
    adapter: z.string().min(1).max(40),
    // The handler keys the issue by this page's origin: it must be a web page's address.
    url: webUrl,
    pageKind: z.string().max(100),
    message: z.string().max(1000),
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
  postCount: z.number().int().nonnegative(),
  firstSeenAt: z.number().nullable(),
  lastSeenAt: z.number().nullable(),
  noteCount: z.number().int().nonnegative(),
  tags: z.array(z.string()),
  role: z.enum(ROLES),
});
export type MemberSummary = z.infer<typeof MemberSummary>;

export const NoteView = z.object({
  id,
  memberId: id,
  communityId: id.nullable(),
  body: z.string(),
  author: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type NoteView = z.infer<typeof NoteView>;

export const MemberDetail = z.object({
  summary: MemberSummary,
  displayNames: z.array(z.string()),
  profileUrl: z.string().nullable(),
  notes: z.array(NoteView),
});
export type MemberDetail = z.infer<typeof MemberDetail>;

export const SiteStatus = z.object({
  origin: z.string().nullable(),
  /** built-in: covered by the manifest; tracked: the user added it; none: neither; unsupported: not a web page. */
  state: z.enum(['built-in', 'tracked', 'none', 'unsupported']),
});
export type SiteStatus = z.infer<typeof SiteStatus>;

/** What each request answers with, validated by the client. */
export const Responses = {
  'observe/posts': z.object({ stored: z.number().int(), summaries: z.array(MemberSummary) }),
  'members/summaries': z.array(MemberSummary),
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
  'sites/rule': z.object({ rule: z.record(z.string(), z.unknown()).nullable() }),
  'sites/save-rule': z.object({ origin: z.string() }),
  'sites/delete-rule': z.object({ origin: z.string() }),
} satisfies Record<RequestType, z.ZodType>;
export type ResponseOf<T extends RequestType> = z.infer<(typeof Responses)[T]>;

export const ErrorCode = z.enum(['invalid-message', 'forbidden-sender', 'not-found', 'permission-missing', 'storage-full', 'internal']);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const Envelope = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) }),
]);
export type Envelope<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

/**
 * Extension → content scripts: members changed (refresh their badges); or the dashboard asks
 * the page to try a custom-selector rule before it is saved (answered with a RuleCheck).
 */
export const Broadcast = z.discriminatedUnion('type', [
  z.object({ type: z.literal('members/changed'), memberIds: z.array(id).max(1000) }),
  z.object({ type: z.literal('rules/check'), rule: z.record(z.string(), z.unknown()) }),
]);
export type Broadcast = z.infer<typeof Broadcast>;
