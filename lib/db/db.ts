import Dexie, { type EntityTable } from 'dexie';
import type {
  AdapterIssue,
  Alert,
  Community,
  Interaction,
  JournalEntry,
  Member,
  Membership,
  Note,
  Post,
  ReplyTemplate,
  Rollup,
  TrackedSite,
} from './types';
import { SCHEMA_VERSIONS } from './schema';
import { clearUpgradeProgress, publishUpgradeProgress, type UpgradeProgress } from './upgrade-progress';

export interface KehilaDbOptions {
  /** Told how far a schema upgrade that rewrites a table is, as it runs. */
  onUpgradeProgress?: (progress: UpgradeProgress) => void;
}

/**
 * The Kehila database. Only the background service worker writes it (DESIGN.md); extension
 * pages may read it. Content scripts never import this module (lint-enforced).
 */
export class KehilaDb extends Dexie {
  communities!: EntityTable<Community, 'id'>;
  members!: EntityTable<Member, 'id'>;
  memberships!: EntityTable<Membership, 'id'>;
  posts!: EntityTable<Post, 'id'>;
  notes!: EntityTable<Note, 'id'>;
  interactions!: EntityTable<Interaction, 'id'>;
  replyTemplates!: EntityTable<ReplyTemplate, 'id'>;
  rollups!: EntityTable<Rollup, 'id'>;
  alerts!: EntityTable<Alert, 'id'>;
  trackedSites!: EntityTable<TrackedSite, 'origin'>;
  adapterIssues!: EntityTable<AdapterIssue, 'id'>;
  journal!: EntityTable<JournalEntry, 'seq'>;

  constructor(name = 'kehila', upTo = SCHEMA_VERSIONS.length, options: KehilaDbOptions = {}) {
    super(name);
    for (const { version, stores, upgrade } of SCHEMA_VERSIONS.slice(0, upTo)) {
      const declared = this.version(version).stores(stores);
      if (upgrade) declared.upgrade((tx) => upgrade(tx, (done, total) => options.onUpgradeProgress?.({ version, done, total })));
    }
  }
}

export const DB_NAME = 'kehila';

let instance: KehilaDb | undefined;
/** The one database instance of this extension context. */
export function getDb(): KehilaDb {
  if (!instance) {
    // An upgrade says how far it is (the popup shows it); once open, nothing is upgrading.
    instance = new KehilaDb(DB_NAME, undefined, { onUpgradeProgress: publishUpgradeProgress });
    instance.on('ready', () => void clearUpgradeProgress());
  }
  return instance;
}
