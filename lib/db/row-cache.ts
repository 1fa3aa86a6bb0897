import type Dexie from 'dexie';
import type { DBCore, DBCoreGetManyRequest, DBCoreGetRequest, DBCoreMutateRequest, DBCoreTable, DBCoreTransaction } from 'dexie';

/**
 * Key reads of `members` answered from memory in the service worker. A badge lookup is a
 * single-key get per author (200 on a big page), each an IPC in Chromium, and a community's
 * regular posters come back page after page. The cache is sound only because the service
 * worker's Dexie instance is the database's one writer (DESIGN.md): every write passes through
 * `mutate` below. Extension pages read on their own instances, without it.
 *
 * Consistency rests on IndexedDB's transaction ordering: a read-write transaction waits for every
 * earlier-created transaction with an overlapping scope, and a read-only one waits for earlier
 * read-write ones. So a cached row is always a committed value, and it is served only to a
 * read-only transaction that IndexedDB itself would have shown that value (see `transaction`).
 */

export interface RowCacheOptions {
  /** Tables whose rows are cached by primary key (string keys only); others pass straight through. */
  tables?: readonly string[];
  /** Rows (negative entries included) kept per table, least recently used evicted first. */
  maxRows?: number;
}

export interface RowCacheStats {
  /** Keys answered from memory. */
  hits: number;
  /** Keys a read-only transaction had to read from IndexedDB. */
  misses: number;
  /** Rows held now. */
  size: number;
}

export interface RowCache {
  /** Counters of one table, or summed over every cached table; they restart when the database reopens. */
  stats(table?: string): RowCacheStats;
}

export const ROW_CACHE_TABLES: readonly string[] = ['members'];
export const ROW_CACHE_MAX_ROWS = 20_000;

/** The raw IndexedDB layer hands IDBTransactions down as its DBCoreTransaction. */
type IdbTransaction = DBCoreTransaction & Pick<IDBTransaction, 'mode' | 'addEventListener'>;

/** A key known to have no row (a negative entry). */
const ABSENT = Symbol('absent');
/** A key the cache knows nothing about. */
const MISS = Symbol('miss');
/** Keys written by a transaction, or ALL when they cannot be listed (a range delete, many keys). */
const ALL = 'all';
type Written = Set<string> | typeof ALL;

class TableCache {
  /** Insertion order is recency order: a hit moves its key to the end. */
  readonly rows = new Map<string, unknown>();
  /** Moves on every invalidation; a read stores what it read only if this did not move meanwhile. */
  generation = 0;
  /** Read-write transactions with this table in scope that have neither committed nor aborted. */
  liveWriters = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxRows: number) {}

  lookup(key: string): unknown {
    if (!this.rows.has(key)) return MISS;
    const row = this.rows.get(key);
    this.rows.delete(key);
    this.rows.set(key, row);
    return row === ABSENT ? undefined : cloneRow(row);
  }

  /** Keep a copy of what IndexedDB returned: the caller may go on to mutate its own object. */
  store(key: string, row: unknown): void {
    this.rows.delete(key);
    this.rows.set(key, row === undefined ? ABSENT : cloneRow(row));
    if (this.rows.size > this.maxRows) this.rows.delete(this.rows.keys().next().value!);
  }

  invalidate(keys: Written): void {
    if (keys === ALL) this.rows.clear();
    else for (const key of keys) this.rows.delete(key);
    this.generation += 1;
  }
}

/**
 * One connection's cache, and the middleware that keeps it. Dexie calls `create` on every open
 * with a fresh stack, which starts from an empty cache.
 */
class RowCacheCore implements RowCache {
  private tables: Map<string, TableCache>;
  /** What each live read-write transaction wrote, to evict again when it ends. */
  private writes = new WeakMap<IdbTransaction, Map<TableCache, Written>>();
  /** Read-only transactions created while a writer of these tables was live: no hits for them. */
  private blocked = new WeakMap<IdbTransaction, Set<TableCache>>();

  constructor(
    private readonly tableNames: readonly string[],
    private readonly maxRows: number,
  ) {
    this.tables = this.emptyTables();
  }

  stats(table?: string): RowCacheStats {
    const caches = table === undefined ? [...this.tables.values()] : [this.tables.get(table)].filter((cache) => !!cache);
    const total = (count: (cache: TableCache) => number) => caches.reduce((sum, cache) => sum + count(cache), 0);
    return { hits: total((cache) => cache.hits), misses: total((cache) => cache.misses), size: total((cache) => cache.rows.size) };
  }

  clear(): void {
    for (const cache of this.tables.values()) cache.invalidate(ALL);
  }

  /** The middleware over the raw IndexedDB layer `down`. */
  create(down: DBCore): DBCore {
    // Tables of the previous connection keep counting for its transactions still ending.
    const tables = (this.tables = this.emptyTables());
    const wrapped = new Map<string, DBCoreTable>();
    return {
      ...down,
      transaction: (stores, mode, options) => {
        const trans = down.transaction(stores, mode, options) as IdbTransaction;
        const inScope = stores.flatMap((name) => tables.get(name) ?? []);
        if (!inScope.length) return trans;
        if (mode === 'readwrite') this.watch(trans, inScope);
        else {
          // IndexedDB runs this transaction after the writers live now, so it must see their
          // writes, which the cache does not hold yet. Writers created later wait for it.
          const blocked = inScope.filter((cache) => cache.liveWriters > 0);
          if (blocked.length) this.blocked.set(trans, new Set(blocked));
        }
        return trans;
      },
      table: (name) => {
        const table = down.table(name);
        const cache = tables.get(name);
        if (!cache) return table;
        let cached = wrapped.get(name);
        if (!cached) wrapped.set(name, (cached = this.cachedTable(table, cache)));
        return cached;
      },
    };
  }

  private emptyTables(): Map<string, TableCache> {
    return new Map(this.tableNames.map((name) => [name, new TableCache(this.maxRows)]));
  }

  /** Count `trans` as a live writer of these tables until it commits or aborts. */
  private watch(trans: IdbTransaction, caches: readonly TableCache[]): Map<TableCache, Written> {
    let written = this.writes.get(trans);
    if (!written) {
      const ended = (written = new Map<TableCache, Written>());
      this.writes.set(trans, written);
      // Every transaction ends with exactly one of these ('error' alone does not end it).
      const end = () => {
        if (!this.writes.delete(trans)) return;
        for (const [cache, keys] of ended) {
          cache.liveWriters -= 1;
          cache.invalidate(keys);
        }
      };
      trans.addEventListener('complete', end);
      trans.addEventListener('abort', end);
    }
    for (const cache of caches) {
      if (written.has(cache)) continue;
      written.set(cache, new Set());
      cache.liveWriters += 1;
    }
    return written;
  }

  /**
   * Evict the keys a write touches twice: when the write is issued and when its transaction
   * ends. The first stops reads already in flight from storing what they read. The second is
   * needed because a read-only transaction created before the writer still reads the old,
   * committed value after the write was issued (IndexedDB runs the writer after it), and may
   * store it; once the writer commits, that value is stale. On abort the old value is right
   * again, but evicting it costs one re-read and keeps this code to one path.
   */
  private recordWrite(trans: IdbTransaction, cache: TableCache, keys: Written): void {
    cache.invalidate(keys);
    // Upgrade (versionchange) transactions are not created through `transaction`.
    const written = this.watch(trans, [cache]);
    const before = written.get(cache)!;
    if (before === ALL || keys === ALL) return void written.set(cache, ALL);
    for (const key of keys) before.add(key);
    // A bulk rewrite is cheaper to forget wholesale than to remember key by key.
    if (before.size > this.maxRows) written.set(cache, ALL);
  }

  private cachedTable(table: DBCoreTable, cache: TableCache): DBCoreTable {
    const { extractKey } = table.schema.primaryKey;
    // Hits and fills only for read-only transactions: a read-write one must read the value it
    // is about to overwrite from IndexedDB, or it could overwrite a write committed meanwhile.
    const mayHit = (trans: IdbTransaction) => !this.blocked.get(trans)?.has(cache);

    return {
      ...table,
      get: (req: DBCoreGetRequest) => {
        const trans = req.trans as IdbTransaction;
        const key: unknown = req.key;
        if (trans.mode !== 'readonly' || typeof key !== 'string') return table.get(req);
        const row = mayHit(trans) ? cache.lookup(key) : MISS;
        if (row !== MISS) {
          cache.hits += 1;
          return Promise.resolve(row);
        }
        cache.misses += 1;
        const generation = cache.generation;
        return table.get(req).then((value: unknown) => {
          if (cache.generation === generation) cache.store(key, value);
          return value;
        });
      },

      getMany: (req: DBCoreGetManyRequest) => {
        const trans = req.trans as IdbTransaction;
        if (trans.mode !== 'readonly') return table.getMany(req);
        const canHit = mayHit(trans);
        const results: unknown[] = new Array(req.keys.length);
        const missing: unknown[] = [];
        const missingAt: number[] = [];
        req.keys.forEach((key: unknown, index) => {
          const row = canHit && typeof key === 'string' ? cache.lookup(key) : MISS;
          if (row === MISS) {
            missing.push(key);
            missingAt.push(index);
          } else results[index] = row;
        });
        cache.hits += req.keys.length - missing.length;
        cache.misses += missing.length;
        if (!missing.length) return Promise.resolve(results);
        const generation = cache.generation;
        return table.getMany({ ...req, keys: missing }).then((values) => {
          const isCurrent = cache.generation === generation;
          values.forEach((value: unknown, index) => {
            const key = missing[index];
            results[missingAt[index]!] = value;
            if (isCurrent && typeof key === 'string') cache.store(key, value);
          });
          return results;
        });
      },

      mutate: (req: DBCoreMutateRequest) => {
        this.recordWrite(req.trans as IdbTransaction, cache, writtenKeys(req, extractKey));
        return table.mutate(req);
      },
    };
  }
}

/**
 * Cache `members` rows of this database instance. Install before its first query (Dexie builds
 * the middleware stack when it opens), and only in the service worker: the cache sees the writes
 * of this instance alone.
 */
export function installRowCache(db: Dexie, { tables = ROW_CACHE_TABLES, maxRows = ROW_CACHE_MAX_ROWS }: RowCacheOptions = {}): RowCache {
  if (db.isOpen()) throw new Error(`Expected database ${db.name} not yet open, found it open: install the row cache before its first query`);
  const cache = createRowCache({ tables, maxRows });
  db.use({
    stack: 'dbcore',
    name: 'RowCache',
    // Below every built-in middleware (the lowest is at -1): this layer sees exactly the
    // requests that reach IndexedDB, after hooks and virtual indexes have rewritten them.
    level: -10,
    create: (down) => cache.create(down),
  });
  // This connection misses no write of its own, but whatever closes it (a delete, another
  // connection's upgrade) may change every row before it reopens.
  db.on('close', () => cache.clear());
  db.on('versionchange', () => cache.clear());
  return cache;
}

/** The cache and its middleware, unattached: tests drive it over a fake IndexedDB layer. */
export function createRowCache({ tables = ROW_CACHE_TABLES, maxRows = ROW_CACHE_MAX_ROWS }: RowCacheOptions = {}): RowCache & { create(down: DBCore): DBCore; clear(): void } {
  return new RowCacheCore(tables, maxRows);
}

/** The string keys a write touches; non-string keys are never cached, so they need no eviction. */
function writtenKeys(req: DBCoreMutateRequest, extractKey: ((value: unknown) => unknown) | null): Written {
  let keys: readonly unknown[];
  if (req.type === 'deleteRange') return ALL;
  else if (req.type === 'delete') keys = req.keys;
  else if (req.keys) keys = req.keys;
  else if (extractKey) keys = req.values.map(extractKey);
  else return ALL;
  return new Set(keys.filter((key): key is string => typeof key === 'string'));
}

/**
 * A copy the caller may mutate. Rows are plain data (types.ts), copied by hand at about a fifth
 * of structuredClone's cost per member row in V8 (0.6 vs 3.5 µs, 200 rows a lookup); anything
 * that is not a plain object or array goes through structuredClone.
 */
function cloneRow<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneRow) as T;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = cloneRow(value[key as keyof T]);
  return copy as T;
}
