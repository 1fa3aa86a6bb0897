import { browser } from 'wxt/browser';
import type { KehilaDb } from '@/lib/db/db';
import { ObservationJournal } from '@/lib/db/journal';
import { memberDetail, setMemberRole, tagMember } from '@/lib/db/members';
import { addNote, deleteNote, updateNote } from '@/lib/db/notes';
import { HandledError, toErrorBody, type Handlers } from '@/lib/messages/router';
import type { BadgeSummary, Broadcast, MemberSummary } from '@/lib/messages/schema';
import { t } from '@/lib/i18n/t';
import { loadSettings } from '@/lib/settings';
import { listSites, saveRule, siteStatus, trackSite, untrackSite } from '@/lib/background/sites';
import { parseCustomSiteRule } from '@/lib/adapters/custom';
import { originOf } from '@/lib/model/origins';

/** Tell every tab's content script that these members changed, so all badges agree. */
export async function broadcast(message: Broadcast): Promise<void> {
  const tabs = await browser.tabs.query({});
  await Promise.all(
    tabs.map((tab) =>
      // Tabs without our content script reject; that is expected and harmless.
      tab.id === undefined ? undefined : browser.tabs.sendMessage(tab.id, message).catch(() => undefined),
    ),
  );
}

/** A summary with what its badge says in words (its accessible label), in the manager's language. */
export function forBadge(summary: MemberSummary): BadgeSummary {
  const label = t('badgeLabel', [summary.name, String(summary.postCount), String(summary.noteCount)]);
  return { ...summary, label: summary.tags.length ? `${label} (${summary.tags.join(', ')})` : label };
}

/**
 * One named function per message type (STYLE.md "background/handlers.ts"). Pages' batches and
 * badge lookups go through the observation journal; every other handler that reads or writes
 * members, memberships, communities or posts settles the journal first (lib/db/journal.ts).
 */
export function createHandlers(db: KehilaDb, notify: (message: Broadcast) => Promise<void> = broadcast, journal = new ObservationJournal(db)): Handlers {
  const changed = (memberIds: string[]) => void notify({ type: 'members/changed', memberIds }).catch(() => undefined);

  return {
    async 'observe/posts'({ community, posts }) {
      const { added, updated, summaries } = await journal.ingest(community, posts);
      return { stored: added + updated, summaries: summaries.map(forBadge) };
    },
    async 'members/summaries'({ communityId, memberIds }) {
      return (await journal.summaries(communityId, memberIds)).map(forBadge);
    },
    async 'members/get'({ memberId, communityId }) {
      await journal.settle();
      return memberDetail(db, memberId, communityId);
    },
    async 'members/tag'({ memberId, add, remove }) {
      await journal.settle();
      const tags = await tagMember(db, memberId, add, remove);
      changed([memberId]);
      return { memberId, tags };
    },
    async 'members/role'({ memberId, role }) {
      await journal.settle();
      await setMemberRole(db, memberId, role);
      changed([memberId]);
      return { memberId, role };
    },
    async 'notes/add'({ memberId, communityId, postId, body }) {
      const [{ managerName }] = await Promise.all([loadSettings(), journal.settle()]);
      const note = await addNote(db, { memberId, communityId, postId, body, author: managerName });
      changed([memberId]);
      return note;
    },
    async 'notes/update'({ id, body }) {
      await journal.settle();
      const note = await updateNote(db, id, body);
      changed([note.memberId]);
      return note;
    },
    async 'notes/delete'({ id }) {
      await journal.settle();
      const note = await deleteNote(db, id);
      changed([note.memberId]);
      return { id };
    },
    async 'sites/status'({ url }) {
      return siteStatus(db, url);
    },
    async 'sites/track'({ origin }) {
      if (!(await trackSite(db, origin))) {
        throw new HandledError('permission-missing', `Kehila has no permission for ${origin} yet`);
      }
      return siteStatus(db, origin);
    },
    async 'sites/untrack'({ origin }) {
      await untrackSite(db, origin);
      return siteStatus(db, origin);
    },
    async 'sites/list'() {
      return listSites(db);
    },
    async 'sites/rule'({ origin }) {
      const site = await db.trackedSites.get(originOf(new URL(origin)));
      return { rule: site?.rule ?? null };
    },
    async 'sites/save-rule'({ rule }) {
      const parsed = parseCustomSiteRule(rule);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new HandledError('invalid-message', `Invalid rule${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue?.message ?? 'malformed'}`);
      }
      const origin = originOf(new URL(parsed.data.origin));
      if (!(await saveRule(db, origin, parsed.data))) {
        throw new HandledError('not-found', `Track ${origin} before giving it selectors`);
      }
      return { origin };
    },
    async 'sites/delete-rule'({ origin }) {
      const key = originOf(new URL(origin));
      await db.trackedSites.where('origin').equals(key).modify((site) => {
        delete site.rule;
      });
      return { origin: key };
    },
    async 'status/storage'() {
      const { waitingPosts, failure } = journal.status();
      if (!failure) return { waitingPosts, failure: null };
      // The manager may have freed space: try to store what waits (the next look shows how it went).
      if (waitingPosts > 0) void journal.settle().catch(() => undefined);
      return { waitingPosts, failure: { at: failure.at, ...toErrorBody(failure.error) } };
    },
    async 'adapter/report'({ adapter, url, pageKind, message }) {
      const origin = new URL(url).origin;
      await db.adapterIssues.put({ id: `${adapter}|${origin}`, adapter, origin, pageKind, url, message, at: Date.now() });
      return { recorded: true };
    },
  };
}
