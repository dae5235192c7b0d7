import { setHeader } from '../core/headers.js';
import { shuffleInPlace } from '../core/shuffle.js';
import type { HeaderList, StoredRequest } from '../core/types.js';
import type { Provider } from '../signatures/types.js';
import type { Exchange, OutgoingRequest } from './exchange.js';
import { outgoingHeaders } from './headers.js';
import { targetUrl } from './target-url.js';

/** One send in a replay run: which request, which copy of it (1..times). */
export interface PlannedSend<T> {
  request: T;
  copy: number;
}

/**
 * The send order. Each request `times` times in a row (an idempotency test: the app must act once), requests
 * by ascending id; `shuffle` mixes the whole list (an ordering test: the app must cope with any order).
 */
export function planReplays<T>(requests: T[], opts: { times: number; shuffle: boolean; random?: () => number }): PlannedSend<T>[] {
  const out: PlannedSend<T>[] = [];
  for (const request of requests) for (let copy = 1; copy <= opts.times; copy++) out.push({ request, copy });
  if (opts.shuffle) shuffleInPlace(out, opts.random ?? Math.random);
  return out;
}

/** Where replays go, and why there. */
export interface ReplayTarget {
  url: string;
  source: 'flag' | 'config' | 'last-used';
  /** True: send to `url` exactly. False: append each request's captured path and query (as `listen` forwards). */
  exact: boolean;
}

/** A target base as the user gave it (`--forward-to`, `replay --to`), with how paths were joined to it. */
export interface TargetBase {
  url: string;
  keepPath: boolean;
}

const REPLAY_TARGET_KEY = 'replay_target';

/** What remembering needs of the history (the store's meta table and its newest delivery). */
export interface TargetMemory {
  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;
  lastDelivery(): { target: string; requestUrl: string } | null;
}

/** Remember where this history's requests were last sent, as a base (not one request's full URL). */
export function rememberReplayTarget(store: Pick<TargetMemory, 'setMeta'>, base: TargetBase): void {
  store.setMeta(REPLAY_TARGET_KEY, JSON.stringify(base));
}

/**
 * The remembered target base. A history written before it was remembered falls back to the newest delivery, with
 * its own request's path and query taken off the end (what forwarding had appended), so the base is what is left.
 */
export function rememberedReplayTarget(store: Pick<TargetMemory, 'getMeta' | 'lastDelivery'>): TargetBase | null {
  const saved = store.getMeta(REPLAY_TARGET_KEY);
  if (saved) {
    try {
      const v = JSON.parse(saved) as Partial<TargetBase>;
      if (typeof v.url === 'string') return { url: v.url, keepPath: v.keepPath === true };
    } catch {
      // A damaged value is as good as none: fall through to the deliveries.
    }
  }
  const last = store.lastDelivery();
  return last ? baseOf(last.target, last.requestUrl) : null;
}

/** Undo targetUrl's join: the delivered URL minus the captured path and query it ends with. */
export function baseOf(delivered: string, capturedUrl: string): TargetBase {
  const q = capturedUrl.indexOf('?');
  const path = q === -1 ? capturedUrl : capturedUrl.slice(0, q);
  const query = q === -1 ? '' : capturedUrl.slice(q);
  let url = delivered;
  if (query && url.endsWith(query)) url = url.slice(0, -query.length);
  else if (query) return { url: delivered, keepPath: true }; // the captured query is missing: sent as given
  if (path === '/' || path === '') return { url, keepPath: false };
  if (url.endsWith(path)) return { url: url.slice(0, -path.length) || url, keepPath: false };
  return { url: delivered, keepPath: true };
}

/** `--to`, else the config's first `forwardTo`, else the remembered target base; null when none. */
export function resolveTarget(
  flag: string | undefined,
  configForwardTo: readonly string[] | undefined,
  lastUsed: TargetBase | null,
  keepPath = false,
): ReplayTarget | null {
  if (flag) return { url: flag, source: 'flag', exact: keepPath };
  const fromConfig = configForwardTo?.find((t) => typeof t === 'string' && t !== '');
  if (fromConfig) return { url: fromConfig, source: 'config', exact: keepPath };
  if (lastUsed) return { url: lastUsed.url, source: 'last-used', exact: keepPath || lastUsed.keepPath };
  return null;
}

export interface Signing {
  provider: Provider;
  secret: string;
  /** Unix seconds: a fresh timestamp, so an old event passes the app's tolerance window. */
  now: number;
}

export interface PrepareOptions {
  target: ReplayTarget;
  /** Replaces the stored body (after `--edit`). */
  body?: Buffer;
  sign?: Signing | null;
  /** `--set-header`, applied last: the user's word beats the signature (handy to test a bad one). */
  setHeaders?: HeaderList;
  preserveHost?: boolean;
}

/** A stored request as it goes out again: body byte-exact unless edited, re-signed when asked. */
export function prepareReplay(r: Pick<StoredRequest, 'method' | 'url' | 'headers' | 'body'>, opts: PrepareOptions): OutgoingRequest {
  const url = opts.target.exact ? new URL(opts.target.url).href : targetUrl(opts.target.url, r.url);
  const body = opts.body ?? r.body;
  let headers = outgoingHeaders(r.headers, { preserveHost: opts.preserveHost });
  if (opts.sign) {
    headers = opts.sign.provider.sign({
      body,
      headers,
      url,
      method: r.method,
      secret: opts.sign.secret,
      now: opts.sign.now,
    });
  }
  for (const [k, v] of opts.setHeaders ?? []) headers = setHeader(headers, k, v);
  return { url, method: r.method, headers, body };
}

/** One line on the whole run, e.g. "3 of 5 replays failed (2 got 500, 1 unreachable)". */
export function summarize(results: Array<Pick<Exchange, 'status' | 'failure'>>): { ok: boolean; line: string } {
  const n = results.length;
  const noun = n === 1 ? 'replay' : 'replays';
  const bad = results.filter((r) => r.status === null || r.status < 200 || r.status > 299);
  if (bad.length === 0) return { ok: true, line: `${n} of ${n} ${noun} got 2xx` };
  const reasons = new Map<string, number>();
  for (const r of bad) {
    const why = r.status !== null ? `got ${r.status}` : r.failure === 'timeout' ? 'timed out' : r.failure === 'unreachable' ? 'unreachable' : 'failed';
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const detail = [...reasons].map(([why, count]) => `${count} ${why}`).join(', ');
  return { ok: false, line: `${bad.length} of ${n} ${noun} failed (${detail})` };
}
