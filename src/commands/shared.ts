import { OperationError } from '../core/errors.js';
import type { StoredRequest } from '../core/types.js';
import { resolveDbPath } from '../config/paths.js';
import { envValue } from '../config/env.js';
import type { Store } from '../store/index.js';
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { IdSelector } from './options.js';

/** Open the history for a command; better-sqlite3 is loaded only here, when a command needs it. */
export async function openHistory(dbFlag: string | undefined, opts: { mustExist?: boolean; mustWrite?: boolean } = {}): Promise<Store> {
  // The config file is read only when it can matter, so `list --db X` works beside a broken config.
  let fileDb: string | undefined;
  if (!dbFlag && !envValue(process.env, 'HOOKDEV_DB')) {
    const { loadConfigFile } = await import('../config/file.js');
    fileDb = loadConfigFile().file.db;
  }
  const path = resolveDbPath(dbFlag, process.env, fileDb);
  // An empty file is no history either: reading it must not turn it into one (schema, WAL files).
  if (opts.mustExist && (!existsSync(path) || statSync(path).size === 0)) {
    throw new OperationError(`no history at ${path}${existsSync(path) ? ' (the file is empty)' : ''}`, 'run `hookdev listen` first, or pass --db PATH');
  }
  const { openStore } = await import('../store/index.js');
  return openStore(path, { mustWrite: opts.mustWrite });
}

export function findRequest(store: Store, sel: IdSelector): StoredRequest {
  if (sel.kind === 'range') throw new UsageError('this command takes one id, not a range');
  const r = sel.kind === 'last' ? store.last() : store.get(sel.id);
  if (!r) {
    throw new OperationError(sel.kind === 'last' ? 'the history is empty' : `request ${sel.id} not found`,
      'run `hookdev list` to see the ids');
  }
  return r;
}

/** A request refused before its body was read (413) keeps headers only: refuse to act on the missing bytes. */
export function requireBody(r: StoredRequest, action: string): void {
  if (r.rejectedStatus) {
    throw new OperationError(`request ${r.id} was refused with ${r.rejectedStatus} and its body was not kept; nothing to ${action}`);
  }
}
