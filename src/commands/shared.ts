import { OperationError } from '../core/errors.js';
import type { StoredRequest } from '../core/types.js';
import { resolveDbPath } from '../config/paths.js';
import type { Store } from '../store/index.js';
import { existsSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { IdSelector } from './options.js';

/** Open the history for a command; better-sqlite3 is loaded only here, when a command needs it. */
export async function openHistory(dbFlag: string | undefined, opts: { mustExist?: boolean; mustWrite?: boolean } = {}): Promise<Store> {
  const path = resolveDbPath(dbFlag);
  if (opts.mustExist && !existsSync(path)) {
    throw new OperationError(`no history at ${path}`, 'run `hookdev listen` first, or pass --db PATH');
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
