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

  constructor(name = 'kehila', upTo = SCHEMA_VERSIONS.length) {
    super(name);
    for (const version of SCHEMA_VERSIONS.slice(0, upTo)) {
      const declared = this.version(version.version).stores(version.stores);
      if (version.upgrade) declared.upgrade(version.upgrade);
    }
  }
}

export const DB_NAME = 'kehila';

let instance: KehilaDb | undefined;
/** The one database instance of this extension context. */
export function getDb(): KehilaDb {
  instance ??= new KehilaDb(DB_NAME);
  return instance;
}
