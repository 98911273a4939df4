import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EndofaceError } from '../core/index.js';

/**
 * On-disk feature cache (SQLite), keyed by the photo's content hash (SHA-256 of its bytes) and the
 * extractor's name@version, so a second run over the same photos does no model work, a renamed
 * or moved photo is still found, and changing an extractor's version invalidates only its entries.
 * Values are float vectors (stored as little-endian float64) plus a JSON `meta`.
 */
export interface CachedEntry {
  values?: Float64Array;
  meta?: unknown;
}

/** stat, or undefined when the path cannot be reached (missing, or a file in the way). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Why `path` cannot hold the cache, from the error SQLite or the file system gave. */
function unusableReason(path: string, e: unknown): string {
  if (statOrUndefined(path)?.isDirectory())
    return 'it is a folder; give a file path such as <folder>/features.sqlite';
  for (let p = dirname(path); p !== dirname(p); p = dirname(p)) {
    const info = statOrUndefined(p);
    if (info && !info.isDirectory()) return `${p} is a file, not a folder`;
    if (info) break;
  }
  const code = (e as { code?: string }).code;
  if (code === 'SQLITE_NOTADB') return 'not a SQLite database (another kind of file?); give another path';
  if (code === 'EACCES' || code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN')
    return `cannot be opened for writing (${(e as Error).message})`;
  return (e as Error).message;
}

/**
 * Opens (creating it and its folder if needed) the cache database, refusing an unusable path up
 * front: a run must not fail on its first cache write after minutes of work.
 */
function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS features (
      sha256 TEXT NOT NULL, extractor TEXT NOT NULL, value BLOB, meta TEXT, created_at TEXT NOT NULL,
      PRIMARY KEY (sha256, extractor))`);
    return db;
  } catch (e) {
    db?.close();
    throw new EndofaceError('cache_unusable', `feature cache ${path}: ${unusableReason(path, e)}`, {
      parameter: 'cache',
      value: path,
    });
  }
}

export class FeatureCache {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  /** Lookups answered from the cache and not, since opening (for progress reports and tests). */
  readonly stats = { hits: 0, misses: 0 };

  /** @throws `cache_unusable` naming the path and why (a folder, a file in the way, not SQLite). */
  constructor(readonly path: string) {
    this.db = openDatabase(path);
    this.getStmt = this.db.prepare('SELECT value, meta FROM features WHERE sha256 = ? AND extractor = ?');
    this.putStmt = this.db.prepare(
      'INSERT OR REPLACE INTO features (sha256, extractor, value, meta, created_at) VALUES (?, ?, ?, ?, ?)',
    );
  }

  get(sha256: string, extractor: string): CachedEntry | undefined {
    const row = this.getStmt.get(sha256, extractor) as
      { value: Buffer | null; meta: string | null } | undefined;
    if (!row) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    const values = row.value
      ? new Float64Array(
          row.value.buffer.slice(row.value.byteOffset, row.value.byteOffset + row.value.byteLength),
        )
      : undefined;
    return { values, meta: row.meta ? JSON.parse(row.meta) : undefined };
  }

  put(sha256: string, extractor: string, entry: CachedEntry): void {
    const value = entry.values ? Buffer.from(new Float64Array(entry.values).buffer) : null;
    const meta = entry.meta === undefined ? null : JSON.stringify(entry.meta);
    this.putStmt.run(sha256, extractor, value, meta, new Date().toISOString());
  }

  /** Number of stored entries (all extractors). */
  size(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM features').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
