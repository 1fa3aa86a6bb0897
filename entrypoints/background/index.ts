import { browser } from 'wxt/browser';
import { getDb } from '@/lib/db/db';
import { ObservationJournal } from '@/lib/db/journal';
import { installRowCache } from '@/lib/db/row-cache';
import { routeMessage } from '@/lib/messages/router';
import { onPermissionsAdded, onPermissionsRemoved, reviveForumTabsSoon, syncRegistrations } from '@/lib/background/sites';
import { broadcast, createHandlers } from './handlers';

// main stays synchronous and only adds listeners, so an event that wakes the service worker
// finds them registered (MV3 drops events that arrive before their listener).
export default defineBackground(() => {
  const db = getDb();
  installRowCache(db);
  const journal = new ObservationJournal(db);
  const handlers = createHandlers(db, broadcast, journal);
  // What a previous worker answered but did not fold reaches the tables now, not at the next batch.
  void journal.settle().catch((error) => console.error('Kehila: could not replay the observation journal', error));

  browser.runtime.onMessage.addListener((raw, sender, sendResponse) => {
    void routeMessage(raw, sender, browser.runtime.id, handlers).then(sendResponse);
    return true;
  });

  const resync = () => void syncRegistrations(db).catch((error) => console.error('Kehila: could not sync site registrations', error));
  browser.runtime.onInstalled.addListener(resync);
  browser.runtime.onStartup.addListener(resync);
  // Open forum tabs that missed the script (a page loaded before a restarting browser had read
  // the registrations back, or open across an update) get it, whatever started the worker.
  reviveForumTabsSoon(db);
  browser.permissions.onAdded.addListener(({ origins }) => void onPermissionsAdded(db, origins).catch(console.error));
  browser.permissions.onRemoved.addListener(({ origins }) => void onPermissionsRemoved(db, origins).catch(console.error));
});
