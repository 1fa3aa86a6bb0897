/**
 * The observation journal in Chromium (lib/db/journal.ts): a batch the service worker answered
 * but had not folded into the tables when Chromium stopped it is replayed by the next worker,
 * which answers with it from its first message on. Chromium stops idle extension workers at
 * will; here DevTools stops it at once, so the batch is still in the journal.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { acquireDisplay, launchKehila, type Display, type KehilaBrowser } from '@/lib/cli/browser';

const COMMUNITY = { id: 'discourse:journal.kehila-demo.test', platform: 'discourse', name: 'Journal test', url: 'https://journal.kehila-demo.test' };

let display: Display;
let kehila: KehilaBrowser;
let driver: Page;
let cdp: CDPSession;

beforeAll(async () => {
  display = await acquireDisplay();
  kehila = await launchKehila({ headless: display.headless });
  // An extension page that runs none of Kehila's code sends what a content script sends.
  driver = await kehila.context.newPage();
  await driver.goto(`chrome-extension://${kehila.extensionId}/manifest.json`);
  cdp = await kehila.context.newCDPSession(driver);
  await cdp.send('ServiceWorker.enable');
});

afterAll(async () => {
  await kehila?.close();
  display?.stop();
});

type Reply = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };
const send = (message: unknown) => driver.evaluate((m) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<Reply> } } }).chrome.runtime.sendMessage(m), message);

/** Rows in the extension's database, read by the extension page itself. */
const count = (store: 'journal' | 'posts') =>
  driver.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('kehila');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      return await new Promise<number>((resolve, reject) => {
        const request = db.transaction(name, 'readonly').objectStore(name).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }, store);

const post = (key: string, author: string) => ({
  id: `${COMMUNITY.id}:${key}`,
  communityId: COMMUNITY.id,
  threadId: `${COMMUNITY.id}:t1`,
  parentId: null,
  kind: 'comment',
  author: { id: `${COMMUNITY.id}:${author}`, name: author, profileUrl: `${COMMUNITY.url}/u/${author}`, isWeak: false },
  publishedAt: '2026-11-01T10:00:00Z',
  url: `${COMMUNITY.url}/t/1/${key}`,
  text: `Post ${key} by ${author}`,
});

it('replays a batch the stopped worker had answered but not yet stored', async () => {
  // The worker folds 300 ms after the last batch: stopped sooner, the batch is still pending.
  // Should this machine be slow enough for the fold to win, try again with a new batch.
  let posts = 0;
  for (let attempt = 1; ; attempt += 1) {
    const batch = [post(`a${attempt}-1`, 'ann'), post(`a${attempt}-2`, 'ann'), post(`a${attempt}-3`, 'bob')];
    const reply = await send({ type: 'observe/posts', adapter: 'discourse', url: `${COMMUNITY.url}/t/1`, community: COMMUNITY, posts: batch });
    await cdp.send('ServiceWorker.stopAllWorkers');
    expect(reply).toMatchObject({ ok: true, data: { stored: 3 } });
    posts += 3;
    if ((await count('journal')) > 0 && (await count('posts')) === posts - 3) break;
    if (attempt === 3) throw new Error('the worker folded every batch before it could be stopped');
  }
  const ann = (posts / 3) * 2;

  // The next worker answers with the replayed batch from its first message…
  const summaries = await send({ type: 'members/summaries', communityId: COMMUNITY.id, memberIds: [`${COMMUNITY.id}:ann`, `${COMMUNITY.id}:bob`] });
  expect(summaries).toMatchObject({
    ok: true,
    data: [
      { memberId: `${COMMUNITY.id}:ann`, postCount: ann },
      { memberId: `${COMMUNITY.id}:bob`, postCount: posts / 3 },
    ],
  });
  // …and the tables hold it, the journal emptied.
  expect(await count('posts')).toBe(posts);
  expect(await count('journal')).toBe(0);
});
