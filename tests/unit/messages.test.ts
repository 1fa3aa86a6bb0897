/**
 * The background's door, end to end: routeMessage with the real handlers on a real
 * (fake-indexeddb) database. Every request type works; everything malformed is refused with
 * an envelope and changes nothing at all; the client validates what comes back.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { browser, type Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHandlers } from '@/entrypoints/background/handlers';
import type { KehilaDb } from '@/lib/db/db';
import { ObservationJournal } from '@/lib/db/journal';
import { MessageError, send } from '@/lib/messages/client';
import { readBroadcast, send as pageSend } from '@/lib/messages/page-client';
import { routeMessage, type Handlers } from '@/lib/messages/router';
import { Request, Responses, type Broadcast, type Envelope, type RequestType } from '@/lib/messages/schema';
import { saveSettings } from '@/lib/settings';
import { COMMUNITY, dumpDb, freshDb, memberKey, observedPost, OTHER_COMMUNITY } from './helpers/db';
import { installFakeExtensionApis, type FakeExtensionApis } from './helpers/extension-apis';

const FORUM = 'https://forum.example.org';
const FORUM_PATTERN = `${FORUM}/*`;
const ann = memberKey('ann');
const bob = memberKey('bob');

let db: KehilaDb;
let api: FakeExtensionApis;
let notify: Mock<(message: Broadcast) => Promise<void>>;
let handlers: Handlers;
/** What a content script of this extension looks like to the background. */
let sender: Browser.runtime.MessageSender;

const route = (raw: unknown, from: Browser.runtime.MessageSender = sender, using: Handlers = handlers) =>
  routeMessage(raw, from, browser.runtime.id, using);

/** Route a message that must succeed, and check its answer against the response schema. */
async function ok<T extends RequestType>(message: { type: T } & Record<string, unknown>): Promise<unknown> {
  const reply = await route(message);
  if (!reply.ok) throw new Error(`${message.type} failed: ${reply.error.code}: ${reply.error.message}`);
  const checked = Responses[message.type].safeParse(reply.data);
  expect(checked.success, `${message.type} answers what its response schema says`).toBe(true);
  return reply.data;
}

/** Everything the background owns: the database, the registrations and the granted permissions. */
async function snapshot() {
  return {
    db: await dumpDb(db),
    scripts: structuredClone([...api.scripts.entries()]),
    granted: [...api.granted].sort(),
    storage: await fakeBrowser.storage.local.get(null),
  };
}

const observe = (posts = [observedPost('p1', 'ann'), observedPost('p2', 'bob', { kind: 'comment', parentId: `${COMMUNITY.id}:p1` })]) => ({
  type: 'observe/posts' as const,
  adapter: 'discourse',
  url: `${FORUM}/t/welcome/1`,
  community: COMMUNITY,
  posts,
});

let noteId: string;
let journal: ObservationJournal;
let deletedNoteId: string;

beforeEach(async () => {
  fakeBrowser.reset();
  api = installFakeExtensionApis();
  db = freshDb('messages');
  notify = vi.fn(async (_message: Broadcast) => undefined);
  // Folded when a test settles it (or a handler does), never behind a test's back.
  journal = new ObservationJournal(db, { idleMs: 60_000 });
  handlers = createHandlers(db, notify, journal);
  sender = { id: browser.runtime.id, url: `${FORUM}/t/welcome/1`, tab: { id: 7 } as Browser.tabs.Tab, frameId: 0 };
  await saveSettings({ managerName: 'Dana' });

  // A database with something in every table the handlers write.
  await ok(observe());
  await ok({ type: 'members/tag', memberId: ann, add: ['VIP'], remove: [] });
  noteId = ((await ok({ type: 'notes/add', memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'Prefers email' })) as { id: string }).id;
  deletedNoteId = ((await ok({ type: 'notes/add', memberId: bob, communityId: COMMUNITY.id, body: 'temp' })) as { id: string }).id;
  await ok({ type: 'notes/delete', id: deletedNoteId });
  api.granted.add(FORUM_PATTERN);
  await ok({ type: 'sites/track', origin: FORUM });
  await ok({ type: 'sites/save-rule', rule: { origin: FORUM, post: '.post', author: '.author a' } });
  await ok({ type: 'adapter/report', adapter: 'discourse', url: `${FORUM}/latest`, pageKind: 'topic-list', message: 'No posts found' });
  notify.mockClear();
});

afterEach(() => {
  vi.restoreAllMocks();
  journal.dispose();
  api.restore();
  db.close();
});

describe('every request type', () => {
  const types = Request.def.options.map((option) => option.shape.type.def.values[0] as RequestType);

  const happy = {
    async 'observe/posts'() {
      const data = (await ok(observe([observedPost('p3', 'cat'), observedPost('p1', 'ann', { text: 'edited' })]))) as { stored: number; summaries: { memberId: string; postCount: number; label: string }[] };
      expect(data.stored).toBe(2);
      expect(data.summaries.map((summary) => [summary.memberId, summary.postCount, summary.label])).toEqual([
        [memberKey('cat'), 1, 'cat: 1 posts seen here, 0 notes. Open member card'],
        [ann, 1, 'ann: 1 posts seen here, 1 notes. Open member card (VIP)'],
      ]);
      await journal.settle();
      expect((await db.posts.get(`${COMMUNITY.id}:p1`))?.text).toBe('edited');
    },
    async 'members/summaries'() {
      const data = (await ok({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [ann, bob, 'unknown'] })) as { memberId: string; noteCount: number; tags: string[]; label: string }[];
      expect(data.map(({ memberId, noteCount, tags, label }) => ({ memberId, noteCount, tags, label }))).toEqual([
        // The badge's words come from the background, in the manager's language, tags included.
        { memberId: ann, noteCount: 1, tags: ['VIP'], label: 'ann: 1 posts seen here, 1 notes. Open member card (VIP)' },
        { memberId: bob, noteCount: 0, tags: [], label: 'bob: 1 posts seen here, 0 notes. Open member card' },
      ]);
    },
    async 'members/get'() {
      const data = (await ok({ type: 'members/get', memberId: ann, communityId: COMMUNITY.id })) as { summary: { postCount: number }; notes: { body: string; author: string }[] };
      expect(data.summary.postCount).toBe(1);
      expect(data.notes.map(({ body, author }) => ({ body, author }))).toEqual([{ body: 'Prefers email', author: 'Dana' }]);
      await ok({ type: 'members/get', memberId: ann, communityId: null });
    },
    async 'members/tag'() {
      expect(await ok({ type: 'members/tag', memberId: ann, add: ['lead', 'vip'], remove: [] })).toEqual({ memberId: ann, tags: ['VIP', 'lead'] });
      // add and remove may be left out.
      expect(await ok({ type: 'members/tag', memberId: ann, remove: ['VIP'] })).toEqual({ memberId: ann, tags: ['lead'] });
      expect(notify).toHaveBeenCalledWith({ type: 'members/changed', memberIds: [ann] });
    },
    async 'members/role'() {
      expect(await ok({ type: 'members/role', memberId: bob, role: 'investor' })).toEqual({ memberId: bob, role: 'investor' });
      expect((await db.members.get(bob))?.role).toBe('investor');
      expect(notify).toHaveBeenCalledWith({ type: 'members/changed', memberIds: [bob] });
    },
    async 'notes/add'() {
      const note = (await ok({ type: 'notes/add', memberId: bob, communityId: null, body: '  Call back Tuesday  ' })) as { id: string; body: string; author: string };
      expect(note).toMatchObject({ body: 'Call back Tuesday', author: 'Dana', memberId: bob, communityId: null });
      expect(await db.notes.get(note.id)).toMatchObject({ postId: null, deletedAt: null });
      expect(notify).toHaveBeenCalledWith({ type: 'members/changed', memberIds: [bob] });
    },
    async 'notes/update'() {
      expect(await ok({ type: 'notes/update', id: noteId, body: 'Prefers phone' })).toMatchObject({ id: noteId, body: 'Prefers phone' });
      expect(notify).toHaveBeenCalledWith({ type: 'members/changed', memberIds: [ann] });
    },
    async 'notes/delete'() {
      expect(await ok({ type: 'notes/delete', id: noteId })).toEqual({ id: noteId });
      expect(await db.notes.get(noteId)).toMatchObject({ body: '', deletedAt: expect.any(Number) });
      expect((await db.communities.get(COMMUNITY.id))?.noteCount).toBe(0);
      expect(notify).toHaveBeenCalledWith({ type: 'members/changed', memberIds: [ann] });
    },
    async 'sites/status'() {
      expect(await ok({ type: 'sites/status', url: `${FORUM}/t/1` })).toEqual({ origin: FORUM, state: 'tracked' });
      expect(await ok({ type: 'sites/status', url: 'https://news.ycombinator.com/item?id=1' })).toEqual({ origin: 'https://news.ycombinator.com', state: 'built-in' });
      expect(await ok({ type: 'sites/status', url: 'chrome://settings' })).toEqual({ origin: null, state: 'unsupported' });
    },
    async 'sites/track'() {
      api.granted.add('https://board.example.net/*');
      expect(await ok({ type: 'sites/track', origin: 'https://board.example.net' })).toEqual({ origin: 'https://board.example.net', state: 'tracked' });
      expect([...api.scripts.values()].flatMap((script) => script.matches)).toContain('https://board.example.net/*');
    },
    async 'sites/untrack'() {
      expect(await ok({ type: 'sites/untrack', origin: FORUM })).toEqual({ origin: FORUM, state: 'none' });
      expect(api.scripts.size).toBe(0);
      expect(api.granted.has(FORUM_PATTERN)).toBe(false);
    },
    async 'sites/list'() {
      expect(await ok({ type: 'sites/list' })).toEqual([{ origin: FORUM, addedAt: expect.any(Number), hasRule: true, granted: true }]);
    },
    async 'sites/rule'() {
      expect(await ok({ type: 'sites/rule', origin: FORUM })).toEqual({ rule: { origin: FORUM, post: '.post', author: '.author a' } });
      expect(await ok({ type: 'sites/rule', origin: 'https://never.example' })).toEqual({ rule: null });
    },
    async 'sites/save-rule'() {
      expect(await ok({ type: 'sites/save-rule', rule: { origin: `${FORUM}/`, post: 'article', author: '.who', name: 'My forum' } })).toEqual({ origin: FORUM });
      expect((await db.trackedSites.get(FORUM))?.rule).toEqual({ origin: FORUM, post: 'article', author: '.who', name: 'My forum' });
    },
    async 'sites/delete-rule'() {
      expect(await ok({ type: 'sites/delete-rule', origin: FORUM })).toEqual({ origin: FORUM });
      expect(await db.trackedSites.get(FORUM)).toEqual({ origin: FORUM, addedAt: expect.any(Number) });
    },
    async 'status/storage'() {
      expect(await ok({ type: 'status/storage' })).toEqual({ waitingPosts: 0, failure: null });
      await ok(observe([observedPost('p7', 'cat')]));
      expect(await ok({ type: 'status/storage' })).toEqual({ waitingPosts: 1, failure: null });
    },
    async 'adapter/report'() {
      expect(await ok({ type: 'adapter/report', adapter: 'phpbb', url: 'https://board.example.net/viewtopic.php?t=1', pageKind: 'topic', message: 'Expected a post body' })).toEqual({ recorded: true });
      expect(await db.adapterIssues.get('phpbb|https://board.example.net')).toMatchObject({ pageKind: 'topic', message: 'Expected a post body' });
    },
  } satisfies Record<RequestType, () => Promise<void>>;

  it('has a happy-path case for each type in the Request union', () => {
    expect(Object.keys(happy).sort()).toEqual([...types].sort());
  });

  it.each(types)('%s', async (type) => {
    await happy[type]();
  });

  it('read-only requests broadcast nothing', async () => {
    await ok({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [ann] });
    await ok({ type: 'members/get', memberId: ann, communityId: null });
    await ok({ type: 'sites/status', url: FORUM });
    await ok({ type: 'sites/list' });

    expect(notify).not.toHaveBeenCalled();
  });

  it('words badges in the browser\'s UI language: Hebrew', async () => {
    api.restore();
    api = installFakeExtensionApis({ locale: 'he' });

    const data = (await ok({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [ann] })) as { label: string }[];

    expect(data.map((summary) => summary.label)).toEqual(['ann: 1 פרסומים נראו כאן, 1 הערות. פתיחת כרטיס חבר (VIP)']);
  });

  it('a broadcast that fails does not fail the request', async () => {
    notify.mockRejectedValue(new Error('no tabs'));

    expect(await ok({ type: 'members/tag', memberId: bob, add: ['quiet'] })).toEqual({ memberId: bob, tags: ['quiet'] });
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it('stores page content verbatim, as text: HTML in names and posts is data', async () => {
    const html = '<img src=x onerror="alert(1)">';
    const community = { ...OTHER_COMMUNITY, name: '<script>alert("community")</script>' };
    const post = observedPost('x1', 'mallory', { text: '<b>bold</b> &amp; <a href="javascript:alert(1)">link</a> שלום', author: { name: html } }, OTHER_COMMUNITY);

    const data = (await ok({ type: 'observe/posts', adapter: 'discourse', url: 'https://other.example.org/t/1', community, posts: [post] })) as { summaries: { name: string }[] };

    expect(data.summaries[0]?.name).toBe(html);
    await journal.settle();
    expect((await db.members.get(post.author.id))?.displayNames).toEqual([html]);
    expect((await db.posts.get(post.id))?.text).toBe(post.text);
    expect((await db.communities.get(OTHER_COMMUNITY.id))?.name).toBe(community.name);
  });

  it('fields a message should not carry never reach the database', async () => {
    const raw = JSON.parse(
      JSON.stringify({
        ...observe([{ ...observedPost('p9', 'ann'), language: 'xx', sentiment: 99, firstObservedAt: 0, memberId: bob } as never]),
        community: { ...COMMUNITY, tracked: 0, memberCount: 1e9, audience: 'investors' },
      }).replace('"type":', '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"type":'),
    );

    await ok(raw);
    await journal.settle();

    expect(await db.posts.get(`${COMMUNITY.id}:p9`)).toMatchObject({ memberId: ann, language: null, sentiment: null, firstObservedAt: expect.any(Number) });
    expect((await db.posts.get(`${COMMUNITY.id}:p9`))?.firstObservedAt).toBeGreaterThan(0);
    expect(await db.communities.get(COMMUNITY.id)).toMatchObject({ tracked: 1, audience: 'customers', memberCount: 2 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('malformed and unwelcome messages', () => {
  const long = (length: number) => 'x'.repeat(length);
  const post = (overrides: Record<string, unknown> = {}, author: Record<string, unknown> = {}) => {
    const base = observedPost('bad', 'ann');
    return { ...base, ...overrides, author: { ...base.author, ...author } };
  };
  const observeWith = (change: Record<string, unknown>) => ({ ...observe(), ...change });
  const note = { type: 'notes/add', memberId: ann, communityId: COMMUNITY.id, postId: null, body: 'ok' };
  const tag = { type: 'members/tag', memberId: ann, add: ['ok'], remove: [] };

  const INVALID: [string, unknown][] = [
    // Not even a message.
    ['null', null],
    ['undefined', undefined],
    ['a string', 'observe/posts'],
    ['an empty string', ''],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a boolean', true],
    ['an empty array', []],
    ['an array of a message', [note]],
    ['an empty object', {}],
    // Unknown or malformed types.
    ['an unknown type', { type: 'members/delete-everything', memberId: ann }],
    ['a type in the wrong case', { ...note, type: 'NOTES/ADD' }],
    ['a type with a trailing space', { ...note, type: 'notes/add ' }],
    ['a numeric type', { type: 42 }],
    ['a null type', { type: null }],
    ['an object type without a prototype', { type: Object.create(null) }],
    ['an object type whose toString throws', { type: { toString: () => { throw new Error('gotcha'); } } }],
    // Prototype-pollution shapes, as JSON delivers them (own "__proto__" keys).
    ['a bare __proto__ object', JSON.parse('{"__proto__":{"x":1}}')],
    ['a message hidden under __proto__', JSON.parse(`{"__proto__":${JSON.stringify(note)}}`)],
    ['a constructor.prototype object', JSON.parse('{"constructor":{"prototype":{"type":"notes/add"}}}')],
    ['__proto__ in place of a field', JSON.parse(`{"type":"notes/update","id":{"__proto__":{"x":1}},"body":"x"}`)],
    // observe/posts
    ['observe/posts without community', { ...observe(), community: undefined }],
    ['observe/posts with an unknown platform', observeWith({ community: { ...COMMUNITY, platform: 'myspace' } })],
    ['observe/posts with an empty community name', observeWith({ community: { ...COMMUNITY, name: '' } })],
    ['observe/posts with posts not an array', observeWith({ posts: { 0: post() } })],
    ['observe/posts with 501 posts', observeWith({ posts: Array.from({ length: 501 }, (_, index) => observedPost(`bulk${index}`, 'ann')) })],
    ['observe/posts with an empty adapter', observeWith({ adapter: '' })],
    ['observe/posts with a 41-character adapter', observeWith({ adapter: long(41) })],
    ['observe/posts with a 2049-character url', observeWith({ url: long(2049) })],
    ['a post with a relative date', observeWith({ posts: [post({ publishedAt: 'yesterday' })] })],
    ['a post with month 13', observeWith({ posts: [post({ publishedAt: '2026-13-01T00:00:00Z' })] })],
    ['a post on 30 February', observeWith({ posts: [post({ publishedAt: '2026-02-30T10:00:00Z' })] })],
    ['a post on 29 February of a common year', observeWith({ posts: [post({ publishedAt: '2023-02-29T10:00:00Z' })] })],
    ['a post with a date only', observeWith({ posts: [post({ publishedAt: '2026-01-10' })] })],
    ['a post with a time without zone', observeWith({ posts: [post({ publishedAt: '2026-01-10T09:30:00' })] })],
    ['a post with hour 24', observeWith({ posts: [post({ publishedAt: '2026-01-10T24:00:00Z' })] })],
    ['a post with a numeric date', observeWith({ posts: [post({ publishedAt: 1768037400000 })] })],
    ['a post with publishedAt missing', observeWith({ posts: [post({ publishedAt: undefined })] })],
    ['a post with 4001 characters of text', observeWith({ posts: [post({ text: long(4001) })] })],
    ['a post with a 513-character id', observeWith({ posts: [post({ id: long(513) })] })],
    ['a post with an empty id', observeWith({ posts: [post({ id: '' })] })],
    ['a post of an unknown kind', observeWith({ posts: [post({ kind: 'story' })] })],
    ['a post with text null', observeWith({ posts: [post({ text: null })] })],
    ['a post whose author has no id', observeWith({ posts: [post({}, { id: undefined })] })],
    ['a post whose author name is empty', observeWith({ posts: [post({}, { name: '' })] })],
    ['a post whose author name has 201 characters', observeWith({ posts: [post({}, { name: long(201) })] })],
    ['a post whose author isWeak is a string', observeWith({ posts: [post({}, { isWeak: 'yes' })] })],
    ['one bad post among good ones', observeWith({ posts: [observedPost('g1', 'ann'), observedPost('g2', 'zed'), post({ kind: 'story' }), observedPost('g3', 'bob')] })],
    // members/*
    ['members/summaries with 1001 ids', { type: 'members/summaries', communityId: COMMUNITY.id, memberIds: Array.from({ length: 1001 }, (_, index) => `m${index}`) }],
    ['members/summaries with ids not an array', { type: 'members/summaries', communityId: COMMUNITY.id, memberIds: ann }],
    ['members/summaries with a numeric id', { type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [ann, 42] }],
    ['members/summaries with an empty community', { type: 'members/summaries', communityId: '', memberIds: [ann] }],
    ['members/get without communityId', { type: 'members/get', memberId: ann }],
    ['members/get with a 513-character id', { type: 'members/get', memberId: long(513), communityId: null }],
    ['members/tag with 21 tags', { ...tag, add: Array.from({ length: 21 }, (_, index) => `t${index}`) }],
    ['members/tag with a 41-character tag', { ...tag, add: [long(41)] }],
    ['members/tag with a comma in a tag', { ...tag, add: ['a,b'] }],
    ['members/tag with markup in a tag', { ...tag, add: ['<b>vip</b>'] }],
    ['members/tag with a blank tag', { ...tag, add: ['   '] }],
    ['members/tag with add a string', { ...tag, add: 'VIP' }],
    ['members/tag with remove null', { ...tag, remove: null }],
    ['members/tag without memberId', { ...tag, memberId: undefined }],
    ['members/role with an unknown role', { type: 'members/role', memberId: ann, role: 'admin' }],
    ['members/role without a role', { type: 'members/role', memberId: ann }],
    // notes/*
    ['notes/add with an empty body', { ...note, body: '' }],
    ['notes/add with a blank body', { ...note, body: ' \n\t ' }],
    ['notes/add with 5001 characters', { ...note, body: long(5001) }],
    ['notes/add with a numeric body', { ...note, body: 5 }],
    ['notes/add without memberId', { ...note, memberId: undefined }],
    ['notes/add without communityId', { ...note, communityId: undefined }],
    ['notes/add with a numeric postId', { ...note, postId: 42 }],
    ['notes/update without id', { type: 'notes/update', body: 'x' }],
    ['notes/update with 5001 characters', { type: 'notes/update', id: 'n', body: long(5001) }],
    ['notes/update with body null', { type: 'notes/update', id: 'n', body: null }],
    ['notes/delete with an empty id', { type: 'notes/delete', id: '' }],
    ['notes/delete with a numeric id', { type: 'notes/delete', id: 42 }],
    ['notes/delete with an array of ids', { type: 'notes/delete', id: ['a', 'b'] }],
    // sites/*
    ['sites/status without url', { type: 'sites/status' }],
    ['sites/status with a 2049-character url', { type: 'sites/status', url: `https://x.example/${long(2040)}` }],
    ['sites/track with a path', { type: 'sites/track', origin: `${FORUM}/t/1` }],
    ['sites/track with a trailing slash', { type: 'sites/track', origin: `${FORUM}/` }],
    ['sites/track with a javascript: url', { type: 'sites/track', origin: 'javascript:alert(1)' }],
    ['sites/track with chrome://', { type: 'sites/track', origin: 'chrome://extensions' }],
    ['sites/track with ftp', { type: 'sites/track', origin: 'ftp://files.example.org' }],
    ['sites/track with a wildcard', { type: 'sites/track', origin: 'https://*' }],
    ['sites/track with garbage', { type: 'sites/track', origin: 'not a url' }],
    ['sites/untrack with a file url', { type: 'sites/untrack', origin: 'file:///etc/passwd' }],
    ['sites/rule with garbage', { type: 'sites/rule', origin: 'nope' }],
    ['sites/save-rule with a string rule', { type: 'sites/save-rule', rule: '.post' }],
    ['sites/save-rule with an empty rule', { type: 'sites/save-rule', rule: {} }],
    ['sites/save-rule with a javascript: origin', { type: 'sites/save-rule', rule: { origin: 'javascript:alert(1)', post: '.post', author: '.author' } }],
    ['sites/save-rule with an oversized selector', { type: 'sites/save-rule', rule: { origin: FORUM, post: long(501), author: '.author' } }],
    ['sites/delete-rule without origin', { type: 'sites/delete-rule' }],
    // adapter/report
    ['adapter/report with an empty adapter', { type: 'adapter/report', adapter: '', url: FORUM, pageKind: 'x', message: 'x' }],
    ['adapter/report with a 1001-character message', { type: 'adapter/report', adapter: 'x', url: FORUM, pageKind: 'x', message: long(1001) }],
    ['adapter/report with a 101-character page kind', { type: 'adapter/report', adapter: 'x', url: FORUM, pageKind: long(101), message: 'x' }],
    ['adapter/report with a url that is not one', { type: 'adapter/report', adapter: 'x', url: 'not a url', pageKind: 'x', message: 'x' }],
    ['adapter/report with a chrome:// url', { type: 'adapter/report', adapter: 'x', url: 'chrome://newtab', pageKind: 'x', message: 'x' }],
  ];

  it.each(INVALID)('%s → invalid-message, nothing changed', async (_label, raw) => {
    const before = await snapshot();

    const reply = await route(raw);

    expect(reply).toEqual({ ok: false, error: { code: 'invalid-message', message: expect.any(String) } });
    expect(await snapshot()).toEqual(before);
    expect(notify).not.toHaveBeenCalled();
  });

  it('says which message and which field were wrong', async () => {
    const reply = await route({ ...note, body: long(5001) });

    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error.message).toMatch(/^Invalid notes\/add message at body: /);
  });

  const FOREIGN: [string, Browser.runtime.MessageSender][] = [
    ['another extension', { id: 'some-other-extension-id', url: 'chrome-extension://some-other-extension-id/bg.js' }],
    ['no sender id', {}],
    ['a web page (externally connectable)', { url: 'https://evil.example/', origin: 'https://evil.example' }],
    ['an empty id', { id: '' }],
    ['a look-alike id', { id: `${browser.runtime.id} ` }],
  ];
  const valid: [string, () => unknown][] = [
    ['notes/delete', () => ({ type: 'notes/delete', id: noteId })],
    ['members/tag', () => tag],
    ['observe/posts', () => observe([observedPost('intruder', 'eve')])],
    ['sites/untrack', () => ({ type: 'sites/untrack', origin: FORUM })],
  ];

  it.each(FOREIGN.flatMap(([who, from]) => valid.map(([type, message]) => [who, type, from, message] as const)))(
    'from %s, a valid %s → forbidden-sender, nothing changed',
    async (_who, _type, from, message) => {
      const before = await snapshot();

      expect(await route(message(), from)).toEqual({ ok: false, error: { code: 'forbidden-sender', message: expect.any(String) } });
      expect(await snapshot()).toEqual(before);
      expect(notify).not.toHaveBeenCalled();
    },
  );
});

describe('errors from handlers', () => {
  it('a missing member or note → not-found, with the original message', async () => {
    expect(await route({ type: 'members/get', memberId: 'discourse:forum.example.org:ghost', communityId: null })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'No member discourse:forum.example.org:ghost' },
    });
    // Thrown inside a Dexie transaction (Dexie re-wraps it): same code, same clean message.
    expect(await route({ type: 'members/tag', memberId: 'ghost', add: ['x'] })).toEqual({ ok: false, error: { code: 'not-found', message: 'No member ghost' } });
    const before = await snapshot();
    expect(await route({ type: 'notes/update', id: deletedNoteId, body: 'revive' })).toEqual({ ok: false, error: { code: 'not-found', message: `No note ${deletedNoteId}` } });
    expect(await route({ type: 'notes/delete', id: deletedNoteId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await snapshot()).toEqual(before);
    expect(notify).not.toHaveBeenCalled();
  });

  it('a site without its permission → permission-missing, nothing changed', async () => {
    const before = await snapshot();

    expect(await route({ type: 'sites/track', origin: 'https://board.example.net' })).toMatchObject({ ok: false, error: { code: 'permission-missing' } });
    expect(await snapshot()).toEqual(before);
  });

  it('a full disk during ingest → storage-full, nothing changed', async () => {
    const before = await snapshot();
    vi.spyOn(db.journal, 'bulkAdd').mockRejectedValue(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));

    const reply = await route(observe([observedPost('p1', 'ann', { text: 'edited' }), observedPost('p4', 'dan')]));

    expect(reply).toEqual({ ok: false, error: { code: 'storage-full', message: expect.stringMatching(/nothing was changed/) } });
    vi.restoreAllMocks();
    expect(journal.pendingPosts).toBe(0);
    await journal.settle();
    expect(await snapshot()).toEqual(before);
    expect(await ok({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [memberKey('dan')] })).toEqual([]);
  });

  it('a full disk is reported to the popup until storing works again', async () => {
    vi.spyOn(db.journal, 'bulkAdd').mockRejectedValueOnce(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    expect(await route(observe([observedPost('p4', 'dan')]))).toMatchObject({ ok: false, error: { code: 'storage-full' } });
    expect(await ok({ type: 'status/storage' })).toEqual({
      waitingPosts: 0,
      failure: { at: expect.any(Number), code: 'storage-full', message: expect.stringMatching(/no room left/) },
    });

    // The next batch is answered, but its fold fails too: it waits, and the failure stays.
    const bulkPut = vi.spyOn(db.posts, 'bulkPut').mockRejectedValueOnce(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    await ok(observe([observedPost('p4', 'dan')]));
    expect(await route({ type: 'members/get', memberId: memberKey('dan'), communityId: null })).toMatchObject({ ok: false, error: { code: 'storage-full' } });
    expect(await ok({ type: 'status/storage' })).toMatchObject({ waitingPosts: 1, failure: { code: 'storage-full' } });

    // Space is freed; asking for the status tries again.
    bulkPut.mockRestore();
    expect(await ok({ type: 'status/storage' })).toMatchObject({ waitingPosts: 1, failure: { code: 'storage-full' } });
    await vi.waitFor(async () => expect(await ok({ type: 'status/storage' })).toEqual({ waitingPosts: 0, failure: null }));
    expect(await db.posts.get(`${COMMUNITY.id}:p4`)).toMatchObject({ memberId: memberKey('dan') });
  });

  it('a full disk when the journal is folded → storage-full for the handler that needed it; the batch is kept and lands later', async () => {
    await ok(observe([observedPost('p1', 'ann', { text: 'edited' }), observedPost('p4', 'dan')]));
    const before = await snapshot();
    vi.spyOn(db.posts, 'bulkPut').mockRejectedValue(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));

    expect(await route({ type: 'members/tag', memberId: memberKey('dan'), add: ['new'], remove: [] })).toMatchObject({ ok: false, error: { code: 'storage-full' } });
    expect(await snapshot()).toEqual(before);
    // Badges still show the batch while it waits.
    expect(await ok({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [memberKey('dan')] })).toMatchObject([{ memberId: memberKey('dan'), postCount: 1 }]);

    vi.restoreAllMocks();
    expect(await ok({ type: 'members/tag', memberId: memberKey('dan'), add: ['new'], remove: [] })).toEqual({ memberId: memberKey('dan'), tags: ['new'] });
    expect((await db.posts.get(`${COMMUNITY.id}:p1`))?.text).toBe('edited');
    expect(await db.journal.count()).toBe(0);
  });

  it('a full disk while adding a note → storage-full, nothing changed, nothing broadcast', async () => {
    const before = await snapshot();
    vi.spyOn(db.interactions, 'add').mockRejectedValue(Object.assign(new Error('Quota exceeded'), { name: 'QuotaExceededError' }));

    expect(await route({ type: 'notes/add', memberId: ann, communityId: COMMUNITY.id, body: 'x' })).toMatchObject({ ok: false, error: { code: 'storage-full' } });
    vi.restoreAllMocks();
    expect(await snapshot()).toEqual(before);
    expect(notify).not.toHaveBeenCalled();
  });

  it('any handler throwing a QuotaExceededError-named error → storage-full; anything else → internal; never a rejection', async () => {
    const quota = { ...handlers, 'sites/list': async () => Promise.reject(Object.assign(new Error('disk'), { name: 'QuotaExceededError' })) } as Handlers;
    const broken = { ...handlers, 'sites/list': async () => Promise.reject(new TypeError('undefined is not a function')) } as Handlers;
    const weird = { ...handlers, 'sites/list': async () => Promise.reject('a string') } as Handlers;

    expect(await route({ type: 'sites/list' }, sender, quota)).toMatchObject({ ok: false, error: { code: 'storage-full' } });
    expect(await route({ type: 'sites/list' }, sender, broken)).toEqual({ ok: false, error: { code: 'internal', message: 'undefined is not a function' } });
    expect(await route({ type: 'sites/list' }, sender, weird)).toEqual({ ok: false, error: { code: 'internal', message: 'a string' } });
  });
});

describe('client send', () => {
  /** The background's listener as entrypoints/background/index.ts adds it. */
  const listen = (stampSender: boolean) =>
    fakeBrowser.runtime.onMessage.addListener((raw, from, sendResponse) => {
      // @webext-core/fake-browser 2.0.1 hands listeners an empty sender; a browser sets `id`.
      const stamped = stampSender ? { ...from, id: browser.runtime.id } : from;
      void routeMessage(raw, stamped, browser.runtime.id, handlers).then(sendResponse);
      return true;
    });

  it('round-trips through runtime messaging and returns validated data', async () => {
    listen(true);

    const summaries = await send({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [ann] });

    expect(summaries).toEqual([expect.objectContaining({ memberId: ann, name: 'ann', tags: ['VIP'], noteCount: 1 })]);
    expect(await send({ type: 'members/tag', memberId: bob, add: ['new'] })).toEqual({ memberId: bob, tags: ['new'] });
  });

  it('turns an error envelope into a MessageError with the code and the message type', async () => {
    listen(true);

    const error = await send({ type: 'members/get', memberId: 'ghost', communityId: null }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MessageError);
    expect(error).toMatchObject({ type: 'members/get', code: 'not-found', message: 'members/get: No member ghost' });
  });

  it('is refused by the background when the sender is not this extension (fake-browser sends no id)', async () => {
    listen(false);

    await expect(send({ type: 'sites/list' })).rejects.toMatchObject({ code: 'forbidden-sender', message: expect.stringMatching(/^sites\/list: /) });
  });

  it('through the real background entrypoint', async () => {
    const { default: background } = await import('@/entrypoints/background/index');
    background.main();
    api.granted.add('https://board.example.net/*');
    const reply = await new Promise<Envelope>((resolve) =>
      void fakeBrowser.runtime.onMessage.trigger({ type: 'sites/track', origin: 'https://board.example.net' }, { id: browser.runtime.id }, resolve),
    );

    expect(reply).toEqual({ ok: true, data: { origin: 'https://board.example.net', state: 'tracked' } });
    await expect(send({ type: 'sites/list' })).rejects.toMatchObject({ code: 'forbidden-sender' });
  });

  describe('rejects a malformed reply, naming the message type', () => {
    const replies: [string, unknown][] = [
      ['no reply at all (no listener answered)', undefined],
      ['a string', 'ok'],
      ['an envelope without ok', { data: [] }],
      ['ok with data of the wrong shape', { ok: true, data: [{ memberId: 42, name: 'x' }] }],
      ['ok with no data', { ok: true }],
      ['an error with an unknown code', { ok: false, error: { code: 'teapot', message: 'short and stout' } }],
      ['an error without a message', { ok: false, error: { code: 'internal' } }],
    ];

    it.each(replies)('%s', async (_label, reply) => {
      vi.spyOn(browser.runtime, 'sendMessage').mockResolvedValue(reply as never);

      const error = await send({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [ann] }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(MessageError);
      expect(error).toMatchObject({ type: 'members/summaries', code: 'invalid-reply' });
      expect((error as Error).message).toMatch(/^members\/summaries: /);
    });

    it('and a background that cannot be reached', async () => {
      vi.spyOn(browser.runtime, 'sendMessage').mockRejectedValue(new Error('Could not establish connection. Receiving end does not exist.'));

      await expect(send({ type: 'notes/delete', id: 'n1' })).rejects.toMatchObject({
        code: 'unreachable',
        message: 'notes/delete: Could not establish connection. Receiving end does not exist.',
      });
    });
  });
});

describe('page client (content scripts: no zod)', () => {
  it('round-trips through runtime messaging', async () => {
    fakeBrowser.runtime.onMessage.addListener((raw, from, sendResponse) => {
      void routeMessage(raw, { ...from, id: browser.runtime.id }, browser.runtime.id, handlers).then(sendResponse);
      return true;
    });

    expect(await pageSend({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [ann] })).toEqual([
      expect.objectContaining({ memberId: ann, name: 'ann', tags: ['VIP'], noteCount: 1 }),
    ]);
    const error = await pageSend({ type: 'members/get', memberId: 'ghost', communityId: null }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MessageError);
    expect(error).toMatchObject({ type: 'members/get', code: 'not-found', message: 'members/get: No member ghost' });
  });

  it.each([
    ['no reply at all', undefined],
    ['a string', 'ok'],
    ['an array', [true]],
    ['an envelope without ok', { data: [] }],
  ])('rejects %s as an invalid reply', async (_label, reply) => {
    vi.spyOn(browser.runtime, 'sendMessage').mockResolvedValue(reply as never);

    await expect(pageSend({ type: 'sites/list' })).rejects.toMatchObject({ type: 'sites/list', code: 'invalid-reply' });
  });

  it('keeps an error envelope’s code and message, and names a malformed one internal', async () => {
    vi.spyOn(browser.runtime, 'sendMessage').mockResolvedValueOnce({ ok: false, error: { code: 'storage-full', message: 'disk full' } } as never);
    await expect(pageSend({ type: 'sites/list' })).rejects.toMatchObject({ code: 'storage-full', message: 'sites/list: disk full' });
    vi.spyOn(browser.runtime, 'sendMessage').mockResolvedValueOnce({ ok: false, error: 42 } as never);
    await expect(pageSend({ type: 'sites/list' })).rejects.toMatchObject({ code: 'internal', message: 'sites/list: failed' });
  });

  it('reads broadcasts and ignores anything else', () => {
    expect(readBroadcast({ type: 'members/changed', memberIds: [ann, bob] })).toEqual({ type: 'members/changed', memberIds: [ann, bob] });
    expect(readBroadcast({ type: 'rules/check', rule: { posts: '.post' } })).toEqual({ type: 'rules/check', rule: { posts: '.post' } });
    expect(readBroadcast({ type: 'forum/ping', extra: 'ignored' })).toEqual({ type: 'forum/ping' });
    for (const raw of [
      undefined,
      null,
      'members/changed',
      [],
      { type: 'members/changed' },
      { type: 'members/changed', memberIds: 'ann' },
      { type: 'members/changed', memberIds: [ann, 7] },
      { type: 'rules/check', rule: ['.post'] },
      { type: 'rules/check' },
      { type: 'observe/posts', posts: [] },
      { type: 'forum/pong' },
    ]) {
      expect(readBroadcast(raw), JSON.stringify(raw)).toBeUndefined();
    }
  });
});
