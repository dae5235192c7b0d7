import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../core/errors.js';
import { migrate } from './schema.js';

/**
 * Create missing parent folders one level at a time. (`mkdirSync(…, { recursive: true })` spins forever
 * under /proc on Node 20 instead of failing.)
 */
function ensureDir(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    if (dirname(d) === d) break;
    missing.unshift(d);
  }
  for (const d of missing) mkdirSync(d);
}

export type SqliteDatabase = Database.Database;
export type SqliteTransaction<F extends (...args: never[]) => unknown> = Database.Transaction<F>;

/**
 * The one place better-sqlite3 is loaded (style: a native module in exactly one module). Other owners of a
 * SQLite file (the relay's queue, the checkpointer) open theirs through here.
 */
export function openSqlite(path: string, options: { readonly?: boolean; fileMustExist?: boolean } = {}): SqliteDatabase {
  return new Database(path, options);
}

/**
 * Why this history cannot be written to, or null when it can. SQLite opens a write-protected file read-only
 * without a word, and every insert then fails; a writer (listen, import, prune) asks first.
 */
function writeProblem(db: Database.Database, path: string): string | null {
  const denied = (p: string): boolean => {
    try {
      accessSync(p, constants.W_OK);
      return false;
    } catch {
      return true;
    }
  };
  if (existsSync(path) && denied(path)) return 'the file is read-only (no write permission)';
  if (denied(dirname(path))) return `its folder is read-only (SQLite needs to create ${basename(path)}-wal there)`;
  if (db.readonly) return 'SQLite opened it read-only';
  try {
    // Takes the write lock and gives it back: the cheapest real proof that a commit can happen.
    db.exec('BEGIN IMMEDIATE; ROLLBACK');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'SQLITE_BUSY') return null; // another writer holds it now: writable, just busy
    return e.message;
  }
  return null;
}

/**
 * Tables of another application in a file without hookdev's `meta` table: a `--db` pointing at some other SQLite
 * file must not get our tables (and WAL mode) added to it.
 */
function foreignTables(db: Database.Database): string[] {
  const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'`).all() as Array<{ name: string }>).map((r) => r.name);
  if (names.includes('meta')) return [];
  return names.filter((n) => n !== 'requests' && n !== 'deliveries');
}

/** The history's name and hint in an open failure. */
const HISTORY = { name: 'the history database', hint: 'pass --db PATH (or set HOOKDEV_DB) to use another file' };

/** Open (and create, and migrate) the history; any failure is the user's `--db` to fix, said in one line. */
export function openDatabase(path: string, readonly: boolean, mustWrite = false): Database.Database {
  return openExplained(
    path,
    HISTORY,
    () => {
      if (path !== ':memory:' && !readonly) ensureDir(dirname(path));
      return openSqlite(path, { readonly, fileMustExist: readonly });
    },
    (db) => {
      const foreign = foreignTables(db);
      if (foreign.length) {
        throw new ConfigError(`${path} is not a hookdev history (it holds other tables: ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`,
          HISTORY.hint);
      }
      if (readonly) return;
      useWal(db);
      db.pragma('foreign_keys = ON');
      migrate(db);
      const problem = mustWrite && path !== ':memory:' ? writeProblem(db, path) : null;
      if (problem) {
        throw new ConfigError(`cannot write to the history database ${path}: ${problem}`,
          'fix its permissions, or pass --db PATH (or set HOOKDEV_DB) to use another file');
      }
    },
  );
}

/**
 * Open (and create) a read-write SQLite file with the pragmas every writer here uses (8 KiB pages on a new file,
 * WAL, `synchronous=NORMAL`, `busy_timeout`), then run `setup` (schema). Any failure, from the missing folder to a
 * file that is not a database, is the user's flag to fix: one `ConfigError` naming `what` and the path.
 * The relay's queue opens its file here.
 */
export function openWritableSqlite(
  path: string,
  what: { name: string; hint: string },
  setup: (db: SqliteDatabase) => void = () => {},
): SqliteDatabase {
  return openExplained(
    path,
    what,
    () => {
      if (path !== ':memory:' && !existsSync(dirname(path)))
        throw new ConfigError(`cannot open ${what.name} ${path}: the folder ${dirname(path)} does not exist`, what.hint);
      return openSqlite(path);
    },
    (db) => {
      useWal(db);
      setup(db);
    },
  );
}

/** The pragmas of every writer: the file's page size (new files only), WAL, and when a commit is durable. */
function useWal(db: SqliteDatabase): void {
  // 8 KiB pages: three 2 KB webhooks share a page instead of each taking a 4 KiB page of its own, which
  // halves the bytes each commit writes (16 KiB gains no speed and costs ~30 MB more memory).
  // Only takes effect on a new, empty database.
  if (db.pragma('page_count', { simple: true }) === 0) db.pragma('page_size = 8192');
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL: a commit survives a process crash (SIGKILL); only power loss can drop the last ones.
  db.pragma('synchronous = NORMAL');
}

/**
 * `open`, a busy timeout, then `setup`; a failure anywhere closes what was opened and becomes one `ConfigError`
 * line naming `what` and the path (a `ConfigError` already worded passes through).
 */
function openExplained(
  path: string,
  what: { name: string; hint: string },
  open: () => SqliteDatabase,
  setup: (db: SqliteDatabase) => void,
): SqliteDatabase {
  let db: SqliteDatabase | null = null;
  try {
    db = open();
    db.pragma('busy_timeout = 5000');
    setup(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof ConfigError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(`cannot open ${what.name} ${path}: ${e.code && !e.message.includes(e.code) ? `${e.code} ` : ''}${e.message}`, what.hint);
  }
}
