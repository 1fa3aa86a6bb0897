/**
 * A manager's database after years of work, for scenarios 3–5: 50 communities, 100,000
 * members, 1,000,000 posts over 90 days, 50,000 notes, and the memberships, counters and daily
 * rollups that go with them. Written straight into Kehila's own IndexedDB from inside its
 * service worker (raw IndexedDB, in large transactions), since going through the message door
 * one page batch at a time would take far longer than the benchmark may; the rows have the
 * shapes of lib/db/types.ts and the object stores and indexes are the ones the background
 * created from lib/db/schema.ts.
 */
import type { Membership } from '@/lib/db/types';
import type { ObservedCommunity, ObservedPost, Platform } from '@/lib/model/observed';
import { intBetween, personName, rng, sentence, zipfIndex } from './random';

export interface SeedCommunity {
  id: string;
  platform: Platform;
  name: string;
  url: string;
}

export interface SeedConfig {
  communities: SeedCommunity[];
  members: number;
  posts: number;
  notes: number;
  days: number;
  now: number;
  /** Rows per IndexedDB transaction. */
  batch: number;
}

export interface SeedReport {
  seconds: Record<string, number>;
  rows: Record<string, number>;
  /** Member ids the worker made for members 0…9, to check node's memberIdOf agrees. */
  sampleMemberIds: string[];
}

/** 50 communities: Facebook groups, subreddits, Discourse and phpBB forums (in that order). */
export function seedCommunities(count: number): SeedCommunity[] {
  return Array.from({ length: count }, (_, index): SeedCommunity => {
    const block = Math.floor((index * 10) / count); // 0–2 facebook, 3–5 reddit, 6–7 discourse, 8–9 phpbb
    if (block < 3) {
      const gid = String(910000000000000 + index);
      return { id: `facebook:group:${gid}`, platform: 'facebook', name: `Bench group ${index}`, url: `https://www.facebook.com/groups/${gid}/` };
    }
    if (block < 6) return { id: `reddit:r/benchsub${index}`, platform: 'reddit', name: `r/benchsub${index}`, url: `https://www.reddit.com/r/benchsub${index}/` };
    const platform = block < 8 ? 'discourse' : 'phpbb';
    const host = `${platform}${index}.bench.example`;
    return { id: `${platform}:${host}`, platform, name: `Bench forum ${index}`, url: `https://${host}` };
  });
}

/**
 * Member i belongs to community i mod n; ids follow lib/model/ids.ts (Facebook's numeric user
 * id, the Reddit username, per-host forum user keys). The worker makes the same ids.
 */
export function memberIdOf(index: number, communities: readonly SeedCommunity[]): string {
  const home = communities[index % communities.length]!;
  if (home.platform === 'facebook') return `facebook:${100020000000000 + index}`;
  if (home.platform === 'reddit') return `reddit:bench_user_${index}`;
  return `${home.id}:user${index}`;
}

/**
 * The members of community `community` the way a page shows them: frequent posters often,
 * the long tail rarely (and `unknownShare` of them never seen before).
 */
export function pageAuthors(options: { community: number; count: number; communities: readonly SeedCommunity[]; members: number; seed: number; unknownShare?: number }): string[] {
  const random = rng(options.seed);
  const perCommunity = Math.floor(options.members / options.communities.length);
  const ids = new Set<string>();
  while (ids.size < options.count) {
    if (random() < (options.unknownShare ?? 0)) {
      ids.add(memberIdOf(options.members + 50 * intBetween(random, 1, 1_000_000) + options.community, options.communities));
    } else {
      ids.add(memberIdOf(options.community + options.communities.length * zipfIndex(random, perCommunity), options.communities));
    }
  }
  return [...ids];
}

/** Observed posts as a page would send them: new posts by known and new members. */
export function observedPosts(options: {
  community: SeedCommunity;
  communityIndex: number;
  communities: readonly SeedCommunity[];
  members: number;
  count: number;
  firstKey: number;
  seed: number;
}): { community: ObservedCommunity; posts: ObservedPost[] } {
  const random = rng(options.seed);
  const authors = pageAuthors({
    community: options.communityIndex,
    count: Math.max(10, Math.round(options.count / 5)),
    communities: options.communities,
    members: options.members,
    seed: options.seed + 1,
    unknownShare: 0.3,
  });
  const { community } = options;
  const posts: ObservedPost[] = [];
  let thread = '';
  for (let index = 0; index < options.count; index += 1) {
    const key = options.firstKey + index;
    const id = `${community.id}:bench-ingest-${key}`;
    const isOpener = index % 10 === 0;
    if (isOpener) thread = id;
    const authorId = authors[zipfIndex(random, authors.length)]!;
    posts.push({
      id,
      communityId: community.id,
      threadId: thread,
      parentId: isOpener ? null : thread,
      kind: isOpener ? 'post' : 'comment',
      author: { id: authorId, name: personName(random), profileUrl: `${community.url.replace(/\/$/, '')}/u/${encodeURIComponent(authorId)}`, isWeak: false },
      publishedAt: new Date(Date.UTC(2026, 10, 1) + key * 60_000).toISOString(),
      url: `${community.url.replace(/\/$/, '')}/p/${key}`,
      text: Array.from({ length: intBetween(random, 1, 4) }, () => sentence(random)).join(' '),
    });
  }
  return { community: { id: community.id, platform: community.platform, name: community.name, url: community.url }, posts };
}

/**
 * Runs inside Kehila's service worker (see inBrowser): everything it uses is defined inside it.
 * Member ids must match memberIdOf above.
 */
export async function seedInWorker(config: SeedConfig): Promise<SeedReport> {
  const started = performance.now();
  const seconds: Record<string, number> = {};
  const rows: Record<string, number> = {};
  const lap = (name: string, from: number) => (seconds[name] = Math.round(performance.now() - from) / 1000);

  let state = 20261123 >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const zipf = (n: number) => Math.min(n - 1, Math.floor((n + 1) ** random()) - 1);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const words =
    'the grinder update firmware order shipping refund thanks please anyone else since support team version release week morning fixed still broken works great question price delivery account login app setting battery screen meetup group welcome new here help today tomorrow waiting answer email phone store warranty replace cable charger העדכון המטחנה תודה משלוח שאלה'.split(
      ' ',
    );
  const text = (min: number, max: number) => {
    const target = int(min, max);
    let out = '';
    while (out.length < target) out += (out ? ' ' : '') + words[Math.floor(random() * words.length)];
    return out;
  };

  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    // No version: open what the background created, whatever version it is at.
    const request = indexedDB.open('kehila');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const needed = ['communities', 'members', 'memberships', 'posts', 'notes', 'rollups'];
  const missing = needed.filter((name) => !db.objectStoreNames.contains(name));
  if (missing.length) throw new Error(`Kehila's database has no ${missing.join(', ')} store: schema changed?`);
  const write = (store: string, items: readonly object[]) =>
    new Promise<void>((resolve, reject) => {
      const tx = db.transaction([store], 'readwrite', { durability: 'relaxed' });
      const objects = tx.objectStore(store);
      for (const item of items) objects.put(item);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error(`${store}: transaction aborted`));
    });
  const writeAll = async (store: string, items: readonly object[]) => {
    for (let i = 0; i < items.length; i += config.batch) await write(store, items.slice(i, i + config.batch));
    rows[store] = (rows[store] ?? 0) + items.length;
  };

  const communities = config.communities;
  const count = communities.length;
  const perCommunity = Math.floor(config.members / count);
  const memberIdOf = (index: number) => {
    const home = communities[index % count]!;
    if (home.platform === 'facebook') return `facebook:${100020000000000 + index}`;
    if (home.platform === 'reddit') return `reddit:bench_user_${index}`;
    return `${home.id}:user${index}`;
  };
  // Same-platform communities, for people active in two groups or subreddits.
  const siblings = communities.map((community) =>
    community.platform === 'facebook' || community.platform === 'reddit'
      ? communities.map((other, index) => (other.platform === community.platform ? index : -1)).filter((index) => index >= 0)
      : [],
  );

  const day = 86_400_000;
  const from = config.now - config.days * day;
  const dayKey = (time: number) => new Date(time).toISOString().slice(0, 10);
  // Community c's share of the posts: a few big communities, many small ones.
  const weights = communities.map((_, index) => 1 / (1 + (index % 10)));
  const total = weights.reduce((sum, weight) => sum + weight, 0);

  const memberships = new Map<string, Membership>();
  const memberSeen = new Map<number, [number, number]>();
  const rollups = new Map<string, { posts: number; comments: number; active: Set<number>; newMembers: number }>();
  const threads: string[][] = communities.map(() => []);
  const communityPosts = new Array<number>(count).fill(0);
  let lastActivity = 0;

  // Posts, one community after another in primary-key order (ids sort as they are written,
  // which spares LevelDB most of its compaction work), each community's in time order.
  let phase = performance.now();
  const shares = communities.map((_, c) => Math.max(perCommunity, Math.round((config.posts * weights[c]!) / total)));
  const excess = shares.reduce((sum, share) => sum + share, 0) - config.posts;
  shares[0] = Math.max(perCommunity, shares[0]! - excess);
  const writeOrder = communities.map((_, c) => c).sort((a, b) => (communities[a]!.id < communities[b]!.id ? -1 : 1));
  let batch: object[] = [];
  let written = 0;
  for (const c of writeOrder) {
    const community = communities[c]!;
    const share = shares[c]!;
    const sibling = siblings[c]!;
    let unassigned = perCommunity;
    for (let k = 0; k < share; k += 1) {
      // Every member posts at least once (a member is someone Kehila saw post), at a random
      // point in the 90 days; the rest of the posts follow a Zipf law over the members.
      let member: number;
      if (unassigned > 0 && random() < unassigned / (share - k)) {
        member = c + count * (perCommunity - unassigned);
        unassigned -= 1;
      } else if (sibling.length > 1 && random() < 0.15) {
        member = sibling[int(0, sibling.length - 1)]! + count * zipf(perCommunity);
      } else {
        member = c + count * zipf(perCommunity);
      }
      const published = from + Math.floor(((k + random()) / share) * config.days * day);
      const observed = Math.min(config.now, published + int(0, 6 * 3600_000));
      const id = `${community.id}:bench-${String(k).padStart(7, '0')}`;
      const open = threads[c]!;
      const isOpener = open.length === 0 || random() < 0.125;
      const threadId = isOpener ? id : open[int(Math.max(0, open.length - 20), open.length - 1)]!;
      if (isOpener) {
        open.push(id);
        if (open.length > 200) open.splice(0, 100);
      }
      const memberId = memberIdOf(member);
      batch.push({
        id,
        communityId: community.id,
        memberId,
        threadId,
        parentId: isOpener ? null : threadId,
        kind: isOpener ? 'post' : random() < 0.3 ? 'reply' : 'comment',
        publishedAt: published,
        firstObservedAt: observed,
        observedAt: observed,
        url: `${community.url.replace(/\/$/, '')}/p/${k}`,
        text: text(40, random() < 0.9 ? 300 : 1500),
        language: null,
        sentiment: null,
        intent: null,
      });

      const key = `${community.id}|${memberId}`;
      const presence = memberships.get(key);
      if (presence) {
        presence.postCount += 1;
        presence.lastSeenAt = Math.max(presence.lastSeenAt, observed);
        presence.firstSeenAt = Math.min(presence.firstSeenAt, observed);
      } else {
        memberships.set(key, { id: key, communityId: community.id, memberId, firstSeenAt: observed, lastSeenAt: observed, postCount: 1 });
      }
      const seen = memberSeen.get(member);
      if (seen) {
        seen[0] = Math.min(seen[0], observed);
        seen[1] = Math.max(seen[1], observed);
      } else {
        memberSeen.set(member, [observed, observed]);
      }
      const rollupKey = `${c}|${dayKey(published)}`;
      let rollup = rollups.get(rollupKey);
      if (!rollup) rollups.set(rollupKey, (rollup = { posts: 0, comments: 0, active: new Set(), newMembers: 0 }));
      if (isOpener) rollup.posts += 1;
      else rollup.comments += 1;
      rollup.active.add(member);
      if (!presence) rollup.newMembers += 1;
      communityPosts[c]! += 1;
      lastActivity = Math.max(lastActivity, observed);
      if (batch.length >= config.batch) {
        await write('posts', batch);
        written += batch.length;
        batch = [];
        (globalThis as { __seedProgress?: number }).__seedProgress = written;
      }
    }
  }
  if (batch.length) await write('posts', batch);
  written += batch.length;
  rows.posts = written;
  lap('posts', phase);

  // Notes: mostly on active members; some expired, some deleted (tombstones).
  phase = performance.now();
  const notes: object[] = [];
  const noteCounts = new Array<number>(count).fill(0);
  const memberNotes = new Map<number, { noteCount: number; notesExpireAt: number | null }>();
  for (let n = 0; n < config.notes; n += 1) {
    const c = int(0, count - 1);
    const member = c + count * zipf(perCommunity);
    const createdAt = from + Math.floor(random() * config.days * day);
    const deletedAt = random() < 0.03 ? createdAt + day : null;
    const expiresAt = random() < 0.05 ? createdAt + 7 * day : null;
    const withCommunity = random() < 0.8;
    const live = deletedAt === null && (expiresAt === null || expiresAt > config.now);
    if (withCommunity && live) noteCounts[c]! += 1;
    if (live) {
      // What lib/db/note-count.ts keeps on the member row.
      const counter = memberNotes.get(member) ?? { noteCount: 0, notesExpireAt: null };
      counter.noteCount += 1;
      if (expiresAt !== null) counter.notesExpireAt = counter.notesExpireAt === null ? expiresAt : Math.min(counter.notesExpireAt, expiresAt);
      memberNotes.set(member, counter);
    }
    notes.push({
      id: `bench-note-${n}`,
      memberId: memberIdOf(member),
      communityId: withCommunity ? communities[c]!.id : null,
      postId: null,
      body: text(20, 400),
      author: 'Bench Manager',
      createdAt,
      updatedAt: createdAt,
      expiresAt,
      deletedAt,
    });
  }
  await writeAll('notes', notes);
  lap('notes', phase);

  // Members, with a few tags and roles.
  phase = performance.now();
  const tags = ['customer', 'vip', 'beta-tester', 'partner', 'investor', 'churn-risk', 'press', 'לקוח'];
  const roles = ['member', 'member', 'member', 'member', 'customer', 'employee', 'partner', 'investor', 'team'];
  const names = ['Dana Levi', 'Mark Thompson', 'Priya Raman', 'Noa Mizrahi', 'عمر حداد', 'יוסי כהן', 'Yael Bar', 'Lior Katz', 'Sam Rivera', 'Maya Cohen'];
  // Each member row carries its memberships' figures, by community (Member.presence).
  const presenceOf = new Map<string, Record<string, { firstSeenAt: number; lastSeenAt: number; postCount: number }>>();
  for (const { communityId, memberId, firstSeenAt, lastSeenAt, postCount } of memberships.values()) {
    let presence = presenceOf.get(memberId);
    if (!presence) presenceOf.set(memberId, (presence = {}));
    presence[communityId] = { firstSeenAt, lastSeenAt, postCount };
  }
  const members: object[] = [];
  for (let index = 0; index < config.members; index += 1) {
    const home = communities[index % count]!;
    const [firstSeenAt, lastSeenAt] = memberSeen.get(index) ?? [from, from];
    const tagCount = random() < 0.1 ? int(1, 3) : 0;
    members.push({
      id: memberIdOf(index),
      platform: home.platform,
      displayNames: [`${names[index % names.length]} ${index}`],
      profileUrl: `${home.url.replace(/\/$/, '')}/u/${index}`,
      isWeak: false,
      firstSeenAt,
      lastSeenAt,
      tags: Array.from(new Set(Array.from({ length: tagCount }, () => tags[int(0, tags.length - 1)]!))),
      role: random() < 0.05 ? roles[int(0, roles.length - 1)] : 'member',
      linkedTo: null,
      ...(memberNotes.get(index) ?? { noteCount: 0, notesExpireAt: null }),
      presence: presenceOf.get(memberIdOf(index)) ?? {},
    });
  }
  await writeAll('members', members);
  await writeAll('memberships', [...memberships.values()]);
  lap('membersAndMemberships', phase);

  // Communities with their counters, and a rollup per community per day.
  phase = performance.now();
  const memberCounts = new Array<number>(count).fill(0);
  const positionOf = new Map(communities.map((community, i) => [community.id, i]));
  for (const presence of memberships.values()) memberCounts[positionOf.get(presence.communityId)!]! += 1;
  const audiences = ['customers', 'employees', 'partners', 'investors', 'other'];
  await writeAll(
    'communities',
    communities.map((community, c) => ({
      id: community.id,
      platform: community.platform,
      name: community.name,
      url: community.url,
      audience: audiences[c % audiences.length],
      tracked: 1,
      responseTargetHours: 24,
      createdAt: from - 30 * day,
      memberCount: memberCounts[c],
      postCount: communityPosts[c],
      noteCount: noteCounts[c],
      lastActivityAt: lastActivity,
    })),
  );
  await writeAll(
    'rollups',
    [...rollups.entries()].map(([key, rollup]) => {
      const [c, dayText] = key.split('|') as [string, string];
      const community = communities[Number(c)]!;
      return {
        id: `${community.id}|${dayText}`,
        communityId: community.id,
        day: dayText,
        posts: rollup.posts,
        comments: rollup.comments,
        activeMembers: rollup.active.size,
        newMembers: rollup.newMembers,
        firstResponseHours: Array.from({ length: Math.min(rollup.posts, 20) }, () => Math.round(random() * 4800) / 100),
        sentiment: { positive: Math.round(rollup.comments * 0.4), neutral: Math.round(rollup.comments * 0.45), negative: Math.round(rollup.comments * 0.15) },
      };
    }),
  );
  lap('communitiesAndRollups', phase);
  db.close();
  lap('total', started);
  return { seconds, rows, sampleMemberIds: Array.from({ length: 10 }, (_, i) => memberIdOf(i)) };
}
