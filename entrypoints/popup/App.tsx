import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { CommunityTable, type CommunityRow } from '@/components/CommunityTable';
import { SitePanel, type SitePanelProps } from '@/components/SitePanel';
import { UpgradeNotice } from '@/components/UpgradeNotice';
import { getDb } from '@/lib/db/db';
import { formatRelative, t } from '@/lib/i18n/t';
import { send } from '@/lib/messages/client';
import type { ResponseOf, SiteStatus } from '@/lib/messages/schema';
import { originPattern } from '@/lib/model/origins';
import { useUpgradeProgress } from './use-upgrade-progress';

interface ActiveTab {
  id: number | undefined;
  url: string;
}

/**
 * The site the popup is about: the active tab's, readable thanks to activeTab when the user
 * opens the popup from the toolbar; or `?url=` when the popup is opened as a page (the demo
 * and the end-to-end tests), since only the toolbar grants activeTab. A URL given that way
 * can do no more than a click on the toolbar could: the browser still asks before granting.
 */
async function activeTab(): Promise<ActiveTab | undefined> {
  const given = new URLSearchParams(location.search).get('url');
  if (given) return { id: undefined, url: given };
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.url ? { id: tab.id, url: tab.url } : undefined;
}

export function App() {
  const db = getDb();
  const communities = useLiveQuery(() => db.communities.where('tracked').equals(1).reverse().sortBy('lastActivityAt'), []);
  const issues = useLiveQuery(() => db.adapterIssues.orderBy('at').reverse().limit(5).toArray(), []);
  const [tab, setTab] = useState<ActiveTab>();
  const [site, setSite] = useState<SiteStatus>();
  const [status, setStatus] = useState<string>();
  const [storage, setStorage] = useState<ResponseOf<'status/storage'>>();
  const upgrade = useUpgradeProgress();

  useEffect(() => {
    // The warning is extra: without an answer, the popup shows the rest as usual.
    send({ type: 'status/storage' }).then(setStorage, () => undefined);
  }, []);

  useEffect(() => {
    void activeTab().then(async (found) => {
      setTab(found);
      setSite(found ? await send({ type: 'sites/status', url: found.url }) : { origin: null, state: 'unsupported' });
    });
  }, []);

  const track = async (origin: string) => {
    // Ask first, before any other await: browsers only grant during the click's user gesture.
    const granted = await browser.permissions.request({ origins: [originPattern(origin)] });
    if (!granted) {
      setStatus(t('popupPermissionDenied'));
      return;
    }
    try {
      setSite(await send({ type: 'sites/track', origin }));
      if (tab?.id !== undefined) await browser.tabs.reload(tab.id);
    } catch (error) {
      setStatus(t('errorGeneric', (error as Error).message));
    }
  };
  const untrack = async (origin: string) => {
    try {
      setSite(await send({ type: 'sites/untrack', origin }));
    } catch (error) {
      setStatus(t('errorGeneric', (error as Error).message));
    }
  };

  const rows: CommunityRow[] = (communities ?? []).map((community) => ({
    id: community.id,
    name: community.name,
    platform: community.platform,
    url: community.url,
    memberCount: community.memberCount,
    postCount: community.postCount,
    noteCount: community.noteCount,
    lastActivity: formatRelative(community.lastActivityAt),
  }));

  return (
    <main>
      <h1>
        {t('extName')}
      </h1>
      <UpgradeNotice progress={upgrade} />
      {storage?.failure && (
        <section className="attention" data-section="storage" role="alert">
          <p>
            {storage.failure.code === 'storage-full'
              ? t('popupStorageFull', formatRelative(storage.failure.at))
              : t('popupStorageFailed', [formatRelative(storage.failure.at), storage.failure.message])}
          </p>
          {storage.waitingPosts > 0 && <p>{t('popupStorageWaiting', String(storage.waitingPosts))}</p>}
        </section>
      )}
      <h2>{t('popupThisSite')}</h2>
      {site && <SitePanel {...sitePanel(site, track, untrack)} status={status} />}
      {site?.state === 'tracked' && site.origin && (
        <p>
          <button type="button" className="secondary" data-action="selectors" onClick={() => void openDashboard(site.origin)}>
            {t('popupSelectors')}
          </button>
        </p>
      )}
      {issues && issues.length > 0 && (
        <>
          <h2>{t('popupNeedsAttention')}</h2>
          <section className="attention" data-section="attention">
            <ul>
              {issues.map((issue) => (
                <li key={issue.id}>
                  {t('popupNeedsAttentionItem', [issue.adapter, issue.pageKind, issue.origin, formatRelative(issue.at), issue.message])}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
      <h2>{t('popupCommunities')}</h2>
      {communities && (
        <CommunityTable
          rows={rows}
          labels={{
            members: t('popupMembers'),
            posts: t('popupPosts'),
            notes: t('popupNotes'),
            lastActivity: t('popupLastActivity'),
            empty: t('popupNoCommunities'),
          }}
        />
      )}
      <p>
        <button type="button" className="secondary" data-action="dashboard" onClick={() => void openDashboard(null)}>
          {t('popupDashboard')}
        </button>
      </p>
    </main>
  );
}

async function openDashboard(origin: string | null): Promise<void> {
  const query = origin ? `?origin=${encodeURIComponent(origin)}` : '';
  await browser.tabs.create({ url: browser.runtime.getURL(`/dashboard.html${query}`) });
  window.close();
}

function sitePanel(site: SiteStatus, track: (origin: string) => void, untrack: (origin: string) => void): SitePanelProps {
  const origin = site.origin;
  if (!origin || site.state === 'unsupported') return { text: t('popupUnsupported') };
  if (site.state === 'built-in') return { text: t('popupBuiltIn', origin) };
  if (site.state === 'tracked') {
    return { text: t('popupTracked', origin), action: { label: t('popupUntrack'), kind: 'untrack', onClick: () => untrack(origin) } };
  }
  return {
    text: origin,
    hint: t('popupTrackHint', origin),
    action: { label: t('popupTrack'), kind: 'track', onClick: () => track(origin) },
  };
}
