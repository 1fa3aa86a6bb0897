// @vitest-environment jsdom
/**
 * The popup warns when Kehila could not store what pages showed (a full disk), says how much is
 * waiting, says when a database upgrade is running and how far it is, and stays quiet otherwise.
 * The popup is real (React in jsdom); the background's answers come from a fake message client,
 * the strings from a fake i18n that shows keys, and the published upgrade progress from a
 * stand-in for session storage (lib/db/upgrade-progress.ts, tested with the upgrade itself in
 * db-migrations.test.ts).
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UpgradeProgress } from '@/lib/db/upgrade-progress';
import type { ResponseOf } from '@/lib/messages/schema';

let storage: ResponseOf<'status/storage'>;
vi.mock('@/lib/messages/client', () => ({
  send: async (message: { type: string }) => {
    if (message.type === 'status/storage') return storage;
    if (message.type === 'sites/status') return { origin: null, state: 'unsupported' };
    throw new Error(`unexpected ${message.type}`);
  },
}));
let upgrade: UpgradeProgress | undefined;
const upgradeListeners = new Set<(progress: UpgradeProgress | undefined) => void>();
vi.mock('@/lib/db/upgrade-progress', () => ({
  publishUpgradeProgress: () => undefined,
  clearUpgradeProgress: async () => undefined,
  readUpgradeProgress: async () => upgrade,
  watchUpgradeProgress: (listener: (progress: UpgradeProgress | undefined) => void) => {
    upgradeListeners.add(listener);
    return () => upgradeListeners.delete(listener);
  },
}));
function publish(progress: UpgradeProgress | undefined): void {
  upgrade = progress;
  act(() => upgradeListeners.forEach((listener) => listener(progress)));
}
vi.mock('@/lib/i18n/t', () => ({
  t: (key: string, substitutions?: string | string[]) => [key, ...(typeof substitutions === 'string' ? [substitutions] : (substitutions ?? []))].join(' | '),
  formatRelative: (ms: number | null) => `at ${ms}`,
  uiLanguage: () => 'en',
  uiDirection: () => 'ltr',
}));

const { App } = await import('@/entrypoints/popup/App');

let root: Root;
let container: HTMLElement;

beforeEach(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  window.history.replaceState(null, '', '/popup.html?url=https%3A%2F%2Fforum.example.org%2F');
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

async function render(): Promise<void> {
  await act(async () => root.render(<App />));
  // The site panel is the popup's other answer from the background: once it shows, both came.
  await vi.waitFor(() => expect(container.querySelector('section.site')).not.toBeNull());
}

const warning = () => container.querySelector('[data-section="storage"]');

describe('popup storage warning', () => {
  it('says the disk is full, when, and how many posts wait', async () => {
    storage = { waitingPosts: 1234, failure: { at: 1_700_000_000_000, code: 'storage-full', message: 'The browser has no room left' } };
    await render();

    await vi.waitFor(() => expect(warning()).not.toBeNull());
    expect(warning()!.getAttribute('role')).toBe('alert');
    expect([...warning()!.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['popupStorageFull | at 1700000000000', 'popupStorageWaiting | 1234']);
  });

  it('shows any other failure with its message, and no count when nothing waits', async () => {
    storage = { waitingPosts: 0, failure: { at: 5, code: 'internal', message: '<b>not html</b>' } };
    await render();

    await vi.waitFor(() => expect(warning()).not.toBeNull());
    expect([...warning()!.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['popupStorageFailed | at 5 | <b>not html</b>']);
    expect(warning()!.querySelector('b')).toBeNull();
  });

  it('shows nothing when storing works', async () => {
    storage = { waitingPosts: 40, failure: null };
    await render();

    expect(warning()).toBeNull();
  });
});

describe('popup upgrade notice', () => {
  const notice = () => container.querySelector('[data-section="upgrade"]');

  it('says an upgrade is running and how far it is, as it goes, and goes once it is done', async () => {
    storage = { waitingPosts: 0, failure: null };
    upgrade = { version: 5, done: 45_000, total: 100_000 };
    await render();

    await vi.waitFor(() => expect(notice()).not.toBeNull());
    expect(notice()!.getAttribute('role')).toBe('status');
    expect(notice()!.textContent).toBe('popupUpgrading | 45');
    publish({ version: 5, done: 99_999, total: 100_000 });
    expect(notice()!.textContent).toBe('popupUpgrading | 99');
    publish(undefined);
    expect(notice()).toBeNull();
  });

  it('shows nothing when no upgrade runs', async () => {
    storage = { waitingPosts: 0, failure: null };
    upgrade = undefined;
    await render();

    expect(notice()).toBeNull();
  });
});
