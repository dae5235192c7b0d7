import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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

/** Open (and create, and migrate) the history; any failure is the user's `--db` to fix, said in one line. */
export function openDatabase(path: string, readonly: boolean): Database.Database {
  let db: Database.Database | null = null;
  try {
    if (path !== ':memory:' && !readonly) ensureDir(dirname(path));
    db = openSqlite(path, { readonly, fileMustExist: readonly });
    db.pragma('busy_timeout = 5000');
    if (!readonly) {
      // 8 KiB pages: three 2 KB webhooks share a page instead of each taking a 4 KiB page of its own, which
      // halves the bytes each commit writes (16 KiB gains no speed and costs ~30 MB more memory).
      // Only takes effect on a new, empty database.
      if (db.pragma('page_count', { simple: true }) === 0) db.pragma('page_size = 8192');
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL: a commit survives a process crash (SIGKILL); only power loss can drop the last ones.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    return db;
  } catch (err) {
    db?.close();
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(`cannot open the history database ${path}: ${e.code && !e.message.includes(e.code) ? `${e.code} ` : ''}${e.message}`,
      'pass --db PATH (or set HOOKDEV_DB) to use another file');
  }
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
  let db: SqliteDatabase | null = null;
  try {
    if (path !== ':memory:' && !existsSync(dirname(path)))
      throw new ConfigError(`cannot open ${what.name} ${path}: the folder ${dirname(path)} does not exist`, what.hint);
    db = openSqlite(path);
    db.pragma('busy_timeout = 5000');
    if (db.pragma('page_count', { simple: true }) === 0) db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    setup(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof ConfigError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(`cannot open ${what.name} ${path}: ${e.code && !e.message.includes(e.code) ? `${e.code} ` : ''}${e.message}`, what.hint);
  }
}
