import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

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

export class FeatureCache {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  /** Lookups answered from the cache and not, since opening (for progress reports and tests). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS features (
      sha256 TEXT NOT NULL, extractor TEXT NOT NULL, value BLOB, meta TEXT, created_at TEXT NOT NULL,
      PRIMARY KEY (sha256, extractor))`);
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
