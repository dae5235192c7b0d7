import type { PipelineEvent } from '../../core/events.js';
import type { Verdict } from '../../core/types.js';
import { Browser, countInChunks, scanOlder, type RowSummary } from '../../store/browse.js';
import { compileFilter, tokenize, type CompiledFilter } from '../../store/filter.js';
import { TABS, detailLines, type DetailData, type Tab } from './detail-lines.js';
import { helpMaxScroll } from './help-lines.js';
import { editLine, lineAtEnd, type EditLine } from './line-edit.js';
import { lineText, type Line } from './segments.js';

export type View = 'list' | 'detail';

/** Keys in the shape of Ink's `useInput` (the subset we use): the key reader (keys.ts) and the Ink App both report them. */
/** An edited line as the view's fields (`input` is the text, as it always was). */
const typedLine = (l: EditLine): { input: string; cursor: number } => ({ input: l.text, cursor: l.cursor });

export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
  /** A bracketed paste: `input` is text for the filter or prompt line, never keys. */
  paste?: boolean;
}

export type TunnelView =
  | { state: 'connecting'; since: number }
  | { state: 'online'; since: number; queued: number }
  | { state: 'offline'; since: number; reason: string }
  | { state: 'reconnecting'; since: number; retryAt: number; attempt: number }
  | { state: 'degraded'; since: number; reason: string };

/** What `listen` adds to the header: doors, tunnel, forward targets. */
export interface LiveInfo {
  localUrl: string | null;
  publicUrl: string | null;
  relay: boolean;
  tunnel: TunnelView | null;
  targets: string[];
  lastDelivery: { target: string; status: number | null; error: string | null; at: number } | null;
  /** The last end-to-end probe through the public URL that came back (relay). */
  lastProbe: { at: number; ms: number } | null;
}

export interface CountsView {
  total: number;
  signatureFailures: number;
  duplicates: number;
  failedDeliveries: number;
  /** False while the first count of a large history is still running. */
  complete: boolean;
}

export interface FilterView {
  /** The text in the filter line. */
  input: string;
  /** Where the cursor is in it while editing: graphemes before it (line-edit.ts). */
  cursor: number;
  editing: boolean;
  /** The filter the list shows. */
  applied: string;
  error: string | null;
  /** Matches of the applied filter, when known. */
  matches: number | null;
  searching: boolean;
}

export type PromptKind = 'url' | 'export';

export interface DetailView {
  id: number;
  data: DetailData | null;
  tab: Tab;
  scroll: number;
}

export interface Status {
  text: string;
  tone: 'info' | 'ok' | 'error';
}

export interface UiSnapshot {
  cols: number;
  rows: number;
  view: View;
  help: boolean;
  /** First line of the help shown (it scrolls when taller than the screen). */
  helpScroll: number;
  list: RowSummary[];
  cursor: number;
  top: number;
  hasNewer: boolean;
  hasOlder: boolean;
  follow: boolean;
  newAbove: number;
  loading: boolean;
  filter: FilterView;
  detail: DetailView | null;
  status: Status | null;
  prompt: { kind: PromptKind; label: string; input: string; cursor: number } | null;
  live: LiveInfo | null;
  counts: CountsView;
  source: string;
  suspended: boolean;
  quit: boolean;
}

export type ActionResult = { ok: boolean; message: string };
export type ReplayKind = 'replay' | 'resign' | 'edit' | 'duplicate';

/** What the UI does to requests, through the same functions the commands use (see actions.ts). */
export interface UiActions {
  /** True when `r` knows where to send without asking. */
  hasTarget(): boolean;
  replay(id: number, kind: ReplayKind, to?: string): Promise<ActionResult>;
  curl(id: number): Promise<ActionResult>;
  export(selection: { ids: number[] } | { filter: CompiledFilter }, format: 'curl' | 'har' | 'ndjson'): Promise<ActionResult>;
  verify(id: number): Promise<{ result: ActionResult; verdict: Verdict | null }>;
  pager(id: number): Promise<ActionResult>;
}

export interface ControllerDeps {
  browser: Browser;
  /** Shown in the header: the history file. */
  source: string;
  actions?: UiActions | null;
  /** Live mode (`listen`): doors and tunnel in the header. */
  live?: { targets: string[]; relay: boolean; localUrl?: string } | null;
  clock?: () => number;
  /** Timer for the filter's debounce; returns a cancel function. */
  schedule?: (fn: () => void, ms: number) => () => void;
  /** Gives the event loop back between chunks of a long scan. */
  pause?: () => Promise<void>;
  /** Ids per scan step (tests use small ones). */
  chunk?: number;
  cols?: number;
  rows?: number;
}

/** Lines above and below the list: header (2), column titles (1), status/filter (1), footer (1). */
export const CHROME_LINES = 5;
export const FILTER_DEBOUNCE_MS = 120;
/** Keys that need the actions (replay, re-sign, edit, duplicate, curl, export, verify, pager). */
const ACTION_KEYS = 'rReydxvo';

const defaultSchedule = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};
const defaultPause = () => new Promise<void>((r) => setImmediate(r));

/**
 * The UI's state and every key's effect, apart from React: components render snapshots, this reads the history in
 * keyset windows and never holds more than a few pages of rows.
 */
export class Controller {
  private s: UiSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly b: Browser;
  private readonly clock: () => number;
  private readonly schedule: (fn: () => void, ms: number) => () => void;
  private readonly pause: () => Promise<void>;
  private filter: CompiledFilter | null = null;
  /** Newest id seen in the history (any filter). */
  private knownNewest = 0;
  private knownDelivery = 0;
  private dataVersion = -1;
  /** Bumped when the window is reset: scans of an older window stop. */
  private generation = 0;
  private cancelDebounce: (() => void) | null = null;
  private loadingOlder = false;
  private seekEnd = false;
  private detailCache: { key: string; lines: Line[] } | null = null;
  /** Live mode: counts come from the pipeline's events (no read of the new rows), added at the next tick. */
  private eventCounts = { total: 0, signatureFailures: 0, duplicates: 0, failedDeliveries: 0 };
  private pendingDelivery: LiveInfo['lastDelivery'] = null;
  private pendingWarning: string | null = null;
  private stopped = false;
  /** Told when the user quits. */
  onQuit: () => void = () => undefined;
  /** Set once loaded (after the first paint: the replay code is not needed to draw); see attachActions. */
  actions: UiActions | null;
  /** An action key pressed before the actions were loaded: run once they are. */
  private deferredKey: { input: string; k: KeyInfo } | null = null;

  constructor(private readonly deps: ControllerDeps) {
    this.b = deps.browser;
    this.actions = deps.actions ?? null;
    this.clock = deps.clock ?? Date.now;
    this.schedule = deps.schedule ?? defaultSchedule;
    this.pause = deps.pause ?? defaultPause;
    this.s = {
      cols: deps.cols ?? 80,
      rows: deps.rows ?? 24,
      view: 'list',
      help: false,
      helpScroll: 0,
      list: [],
      cursor: 0,
      top: 0,
      hasNewer: false,
      hasOlder: false,
      follow: true,
      newAbove: 0,
      loading: false,
      filter: { input: '', cursor: 0, editing: false, applied: '', error: null, matches: null, searching: false },
      detail: null,
      status: null,
      prompt: null,
      live: deps.live
        ? { localUrl: deps.live.localUrl ?? null, publicUrl: null, relay: deps.live.relay, tunnel: null, targets: deps.live.targets, lastDelivery: null, lastProbe: null }
        : null,
      counts: { total: 0, signatureFailures: 0, duplicates: 0, failedDeliveries: 0, complete: false },
      source: deps.source,
      suspended: false,
      quit: false,
    };
  }

  // ── store plumbing ────────────────────────────────────────────────────────────────────────────────

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): UiSnapshot => this.s;

  private set(patch: Partial<UiSnapshot>): void {
    this.s = { ...this.s, ...patch };
    for (const fn of this.listeners) fn();
  }

  /** Rows the list shows at the current terminal height. */
  get listHeight(): number {
    return Math.max(1, this.s.rows - 1 - CHROME_LINES);
  }

  private get pageSize(): number {
    return Math.max(50, this.listHeight * 2);
  }

  private get maxWindow(): number {
    return this.pageSize * 4;
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────────────

  /** First window and the background count. */
  start(): void {
    this.knownNewest = this.b.newestId();
    this.knownDelivery = this.b.newestDeliveryId();
    this.dataVersion = this.b.dataVersion();
    this.loadHead();
    void this.countAll();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.cancelDebounce?.();
  }

  resize(cols: number, rows: number): void {
    if (cols === this.s.cols && rows === this.s.rows) return;
    this.s = { ...this.s, cols, rows };
    this.detailCache = null;
    const d = this.s.detail;
    if (d) {
      // The tab re-wraps at the new width: keep the scroll within it.
      const max = Math.max(0, this.detailContent().length - this.detailHeight);
      if (d.scroll > max) this.s = { ...this.s, detail: { ...d, scroll: max } };
    }
    this.set(this.keepCursorVisible(this.s.cursor, this.s.top));
  }

  private async countAll(): Promise<void> {
    const hi = this.knownNewest;
    const lo = this.b.oldestId();
    // Small steps with a pause before each: the first paint and keys never wait for a count (2 KB rows: ~2 ms per 250).
    const chunk = 2500;
    let failed = this.b.failedDeliveries(0, this.knownDelivery);
    for (let top = hi; top >= lo && top > 0; top -= chunk) {
      await this.pause();
      if (this.stopped) return;
      const bottom = Math.max(lo, top - chunk + 1);
      const c = this.b.counts(bottom, top);
      const cur = this.s.counts;
      this.set({
        counts: {
          total: cur.total + c.total,
          signatureFailures: cur.signatureFailures + c.signatureFailures,
          duplicates: cur.duplicates + c.duplicates,
          failedDeliveries: cur.failedDeliveries + failed,
          complete: false,
        },
      });
      failed = 0;
    }
    this.set({ counts: { ...this.s.counts, failedDeliveries: this.s.counts.failedDeliveries + failed, complete: true } });
  }

  /** Follow what others wrote since the last look: new rows, new counts, changed delivery columns. Cheap when idle. */
  tick(): void {
    if (this.stopped) return;
    const version = this.b.dataVersion();
    const newest = this.b.newestId();
    const newestDelivery = this.b.newestDeliveryId();
    const changed = version !== this.dataVersion || newest !== this.knownNewest || newestDelivery !== this.knownDelivery;
    if (!changed && !this.pendingDelivery && !this.pendingWarning && this.eventCounts.total === 0 && this.eventCounts.failedDeliveries === 0) return;
    this.dataVersion = version;
    const patch: Partial<UiSnapshot> = {};
    const live = this.s.live !== null;
    if (live) {
      const e = this.eventCounts;
      const cur = this.s.counts;
      patch.counts = {
        ...cur,
        total: cur.total + e.total,
        signatureFailures: cur.signatureFailures + e.signatureFailures,
        duplicates: cur.duplicates + e.duplicates,
        failedDeliveries: cur.failedDeliveries + e.failedDeliveries,
      };
      this.eventCounts = { total: 0, signatureFailures: 0, duplicates: 0, failedDeliveries: 0 };
      if (this.pendingDelivery) {
        patch.live = { ...this.s.live!, lastDelivery: this.pendingDelivery };
        this.pendingDelivery = null;
      }
      if (this.pendingWarning) {
        patch.status = { text: this.pendingWarning, tone: 'error' };
        this.pendingWarning = null;
      }
    }
    if (newest > this.knownNewest) {
      const from = this.knownNewest + 1;
      if (!live) {
        const c = this.b.counts(from, newest);
        const counts = { ...this.s.counts };
        counts.total += c.total;
        counts.signatureFailures += c.signatureFailures;
        counts.duplicates += c.duplicates;
        patch.counts = counts;
      }
      // Ids only grow while we watch (prune deletes old ones): without a filter, the new ones are a subtraction.
      const arrived = this.filter ? this.b.count(from, newest, this.filter) : newest - this.knownNewest;
      const matches = this.s.filter.matches === null ? null : this.s.filter.matches + arrived;
      if (this.filter) patch.filter = { ...this.s.filter, matches };
      if (this.atHead() && this.s.follow) {
        const fresh = this.b.older(newest + 1, this.pageSize, this.filter, from);
        if (fresh.length >= this.pageSize) {
          Object.assign(patch, { list: fresh, cursor: 0, top: 0, hasNewer: false, hasOlder: true });
        } else if (fresh.length) {
          const list = [...fresh, ...this.s.list].slice(0, this.maxWindow);
          Object.assign(patch, { list, cursor: 0, top: 0, hasOlder: this.s.hasOlder || list.length < this.s.list.length + fresh.length });
        }
      } else if (arrived) {
        patch.newAbove = this.s.newAbove + arrived;
      }
      this.knownNewest = newest;
    }
    if (newestDelivery > this.knownDelivery && live) this.knownDelivery = newestDelivery;
    if (newestDelivery > this.knownDelivery) {
      const failed = this.b.failedDeliveries(this.knownDelivery + 1, newestDelivery);
      patch.counts = { ...(patch.counts ?? this.s.counts), failedDeliveries: (patch.counts ?? this.s.counts).failedDeliveries + failed };
      this.knownDelivery = newestDelivery;
    }
    this.s = { ...this.s, ...patch };
    this.refreshVisible();
    this.refreshDetail();
    this.set({});
  }

  /** Re-read the rows on screen (their delivery column changes after the row was first shown). */
  private refreshVisible(): void {
    const list = this.s.list;
    if (!list.length) return;
    const first = Math.max(0, this.s.top);
    const last = Math.min(list.length - 1, this.s.top + this.listHeight - 1);
    const hi = list[first]!.id;
    const lo = list[last]!.id;
    const fresh = new Map(this.b.between(lo, hi, this.filter).map((r) => [r.id, r]));
    let changed = false;
    const next = list.map((r) => {
      const f = fresh.get(r.id);
      if (f && (f.delivery?.count !== r.delivery?.count || f.responseStatus !== r.responseStatus)) {
        changed = true;
        return f;
      }
      return r;
    });
    if (changed) this.s = { ...this.s, list: next };
  }

  private refreshDetail(): void {
    const d = this.s.detail;
    if (!d?.data) return;
    const deliveries = this.b.deliveries(d.id);
    if (deliveries.length === d.data.deliveries.length) return;
    this.detailCache = null;
    this.s = { ...this.s, detail: { ...d, data: { ...d.data, deliveries } } };
  }

  /** A pipeline event from the same process (listen): header facts now, rows at the next tick. */
  onEvent(e: PipelineEvent): void {
    const live = this.s.live;
    if (!live) return;
    switch (e.type) {
      case 'listening':
        if (e.door === 'http') this.set({ live: { ...live, localUrl: e.url } });
        else this.set({ live: { ...live, publicUrl: e.url, tunnel: { state: 'online', since: this.clock(), queued: 0 } } });
        return;
      case 'state': {
        if (e.component !== 'relay') return;
        const now = this.clock();
        const detail = e.detail ?? {};
        let tunnel: TunnelView | null = live.tunnel;
        if (e.state === 'connecting') tunnel = { state: 'connecting', since: now };
        else if (e.state === 'connected') {
          // "online" only once the relay has said so (connected), never before.
          const url = typeof detail.publicUrl === 'string' ? detail.publicUrl : live.publicUrl;
          tunnel = { state: 'online', since: now, queued: Number(detail.queued ?? 0) };
          this.set({ live: { ...live, publicUrl: url, tunnel } });
          return;
        } else if (e.state === 'offline') tunnel = { state: 'offline', since: now, reason: e.message.replace(/^offline: /, '') };
        else if (e.state === 'reconnecting') {
          tunnel = { state: 'reconnecting', since: now, retryAt: now + Number(detail.delayMs ?? 0), attempt: Number(detail.attempt ?? 0) };
        }
        this.set({ live: { ...live, tunnel } });
        return;
      }
      case 'probe': {
        // A probe that came back also ends a degraded state: requests get through again.
        const tunnel: TunnelView | null = live.tunnel?.state === 'degraded' ? { state: 'online', since: this.clock(), queued: 0 } : live.tunnel;
        this.set({ live: { ...live, tunnel, lastProbe: { at: this.clock(), ms: e.ms } } });
        return;
      }
      case 'warning':
        if (e.detail?.component === 'relay' && e.detail.state === 'degraded' && live.tunnel) {
          this.set({ live: { ...live, tunnel: { state: 'degraded', since: this.clock(), reason: e.message } } });
        }
        // On the status line at the next tick: a flood of bad clients costs one render per batch, not one each.
        this.pendingWarning = `warning: ${e.message}`;
        return;
      case 'delivery':
        if (e.delivery.status === null || e.delivery.status < 200 || e.delivery.status > 299) this.eventCounts.failedDeliveries++;
        // Shown at the next tick with the rows: one render per batch, not one per delivery.
        this.pendingDelivery = { target: e.delivery.target, status: e.delivery.status, error: e.delivery.error, at: this.clock() };
        return;
      case 'error':
        this.set({ status: { text: e.message, tone: 'error' } });
        return;
      case 'request':
        // Rows are read from the history at the next tick (batched); counts need no read at all.
        this.eventCounts.total++;
        if (e.verdict?.status === 'invalid') this.eventCounts.signatureFailures++;
        if (e.duplicateOf) this.eventCounts.duplicates++;
        return;
    }
  }

  // ── window loading ────────────────────────────────────────────────────────────────────────────────

  private atHead(): boolean {
    return this.s.cursor === 0 && !this.s.hasNewer;
  }

  /** The newest screenful of the applied filter; a filtered scan pages in chunks. */
  private loadHead(): void {
    const gen = ++this.generation;
    this.s = { ...this.s, newAbove: 0 };
    if (!this.filter) {
      const list = this.b.older(this.knownNewest + 1, this.pageSize);
      this.set({ list, cursor: 0, top: 0, hasNewer: false, hasOlder: list.length >= this.pageSize, loading: false });
      return;
    }
    this.set({ list: [], cursor: 0, top: 0, hasNewer: false, hasOlder: true, loading: true, filter: { ...this.s.filter, searching: true, matches: null } });
    const filter = this.filter;
    const ceiling = this.knownNewest;
    this.runFilterScan(gen, ceiling, filter).catch((err: unknown) => this.filterFailed(gen, err));
  }

  /**
   * A filter SQLite cannot run (thousands of pasted terms: "Expression tree is too large") is the filter's error, shown
   * on its line; it must not end the UI as an unreadable history would.
   */
  private filterFailed(gen: number, err: unknown): void {
    this.loadingOlder = false;
    if (gen !== this.generation || this.stopped) return;
    const message = (err as Error)?.message ?? String(err);
    this.filter = null;
    this.set({ loading: false, list: [], hasOlder: false, filter: { ...this.s.filter, searching: false, matches: null, error: `this filter cannot run: ${message}` } });
  }

  private async runFilterScan(gen: number, ceiling: number, filter: CompiledFilter): Promise<void> {
    const res = await scanOlder(this.b, ceiling + 1, this.pageSize, filter, {
      chunk: this.deps.chunk,
      pause: this.pause,
      cancelled: () => gen !== this.generation,
      progress: (rows) => {
        // First screenful first: show what is found while the scan goes on.
        if (gen === this.generation && rows.length && this.s.list.length < this.listHeight) this.set({ list: rows.slice() });
      },
    });
    if (res.cancelled || gen !== this.generation) return;
    this.set({ list: res.rows, hasOlder: !res.exhausted, loading: false });
    const matches = await countInChunks(this.b, 0, ceiling, filter, {
      chunk: this.deps.chunk ? this.deps.chunk * 4 : undefined,
      pause: this.pause,
      cancelled: () => gen !== this.generation,
    });
    if (matches === null || gen !== this.generation) return;
    const arrivedSince = this.knownNewest > ceiling ? this.b.count(ceiling + 1, this.knownNewest, filter) : 0;
    this.set({ filter: { ...this.s.filter, searching: false, matches: matches + (this.s.hasNewer || this.s.newAbove ? 0 : arrivedSince) } });
    if (this.seekEnd) this.loadOlder();
  }

  /** More rows below the window; synchronous without a filter, chunked with one. */
  private loadOlder(): void {
    if (this.loadingOlder || !this.s.hasOlder) return;
    const last = this.s.list[this.s.list.length - 1];
    const before = last ? last.id : this.knownNewest + 1;
    if (!this.filter) {
      this.appendOlder(this.b.older(before, this.pageSize), this.pageSize);
      return;
    }
    this.loadingOlder = true;
    const gen = this.generation;
    this.set({ loading: true });
    void scanOlder(this.b, before, this.pageSize, this.filter, {
      chunk: this.deps.chunk,
      pause: this.pause,
      cancelled: () => gen !== this.generation,
    }).then((res) => {
      this.loadingOlder = false;
      if (res.cancelled || gen !== this.generation) return;
      this.appendOlder(res.rows, res.exhausted ? Infinity : res.rows.length);
    }, (err: unknown) => this.filterFailed(gen, err));
  }

  private appendOlder(rows: RowSummary[], full: number): void {
    let list = [...this.s.list, ...rows];
    let { cursor, top } = this.s;
    let hasNewer = this.s.hasNewer;
    const excess = list.length - this.maxWindow;
    if (excess > 0) {
      list = list.slice(excess);
      cursor -= excess;
      top -= excess;
      hasNewer = true;
    }
    const hasOlder = rows.length >= full;
    const patch: Partial<UiSnapshot> = { list, hasNewer, hasOlder, loading: false };
    if (this.seekEnd && !hasOlder) {
      this.seekEnd = false;
      cursor = list.length - 1;
      top = Math.max(0, cursor - this.listHeight + 1);
    } else if (this.seekEnd) {
      this.set({ ...patch, cursor: Math.max(0, cursor), top: Math.max(0, top) });
      this.loadOlder();
      return;
    }
    Object.assign(patch, this.keepCursorVisible(Math.max(0, Math.min(cursor, list.length - 1)), Math.max(0, top)));
    this.set(patch);
  }

  /** Rows above the window (after the window slid down). */
  private loadNewer(): number {
    const first = this.s.list[0];
    if (!first || !this.s.hasNewer) return 0;
    const rows = this.filter
      ? this.b.newer(first.id, this.pageSize, this.filter, Math.min(this.knownNewest, first.id + (this.deps.chunk ?? 5000) * 4))
      : this.b.newer(first.id, this.pageSize, null, this.knownNewest);
    let list = [...rows, ...this.s.list];
    let hasOlder = this.s.hasOlder;
    if (list.length > this.maxWindow) {
      list = list.slice(0, this.maxWindow);
      hasOlder = true;
    }
    // With a filter the bounded look-up may find nothing yet more exists further up: reload from the head then.
    const hasNewer = this.filter ? rows.length > 0 || first.id + (this.deps.chunk ?? 5000) * 4 < this.knownNewest : rows.length >= this.pageSize;
    this.s = { ...this.s, list, hasOlder, hasNewer, cursor: this.s.cursor + rows.length, top: this.s.top + rows.length };
    return rows.length;
  }

  private keepCursorVisible(cursor: number, top: number): { cursor: number; top: number } {
    const h = this.s.view === 'list' ? this.listHeight : this.listHeight;
    const n = this.s.list.length;
    cursor = Math.max(0, Math.min(cursor, Math.max(0, n - 1)));
    if (cursor < top) top = cursor;
    if (cursor >= top + h) top = cursor - h + 1;
    top = Math.max(0, Math.min(top, Math.max(0, n - h)));
    return { cursor, top };
  }

  // ── navigation ────────────────────────────────────────────────────────────────────────────────────

  move(delta: number): void {
    let cursor = this.s.cursor + delta;
    if (cursor < 0 && this.s.hasNewer) {
      this.loadNewer();
      cursor = this.s.cursor + delta;
      if (cursor < 0 && this.s.hasNewer) {
        // The bounded look-up above found nothing close: start again from the newest match.
        this.goHead();
        return;
      }
    }
    const n = this.s.list.length;
    const patch = this.keepCursorVisible(cursor, this.s.top);
    const newAbove = patch.cursor === 0 && !this.s.hasNewer ? 0 : this.s.newAbove;
    this.set({ ...patch, newAbove });
    if (cursor >= n - 1 - this.listHeight && this.s.hasOlder) this.loadOlder();
    if (patch.cursor === 0 && !this.s.hasNewer && this.s.follow && this.knownNewest > (this.s.list[0]?.id ?? 0)) this.tickHead();
  }

  /** At the head with rows pending above: take them in. */
  private tickHead(): void {
    if (this.s.newAbove > 0) this.goHead();
  }

  goHead(): void {
    this.seekEnd = false;
    this.tick(); // take in what arrived since the last look, so "newest" is the newest
    this.loadHead();
  }

  goEnd(): void {
    if (!this.s.hasOlder) {
      this.set(this.keepCursorVisible(this.s.list.length - 1, this.s.top));
      return;
    }
    if (!this.filter) {
      // The oldest page, straight away: ids ascending from 0 are the oldest.
      const rows = this.b.newer(0, this.pageSize);
      this.set({ list: rows, hasNewer: rows.length > 0 && rows[0]!.id < this.knownNewest, hasOlder: false });
      this.set(this.keepCursorVisible(rows.length - 1, 0));
      return;
    }
    this.seekEnd = true;
    this.loadOlder();
  }

  selected(): RowSummary | null {
    if (this.s.view === 'detail' && this.s.detail) return this.s.list.find((r) => r.id === this.s.detail!.id) ?? null;
    return this.s.list[this.s.cursor] ?? null;
  }

  private selectedId(): number | null {
    if (this.s.view === 'detail' && this.s.detail) return this.s.detail.id;
    return this.s.list[this.s.cursor]?.id ?? null;
  }

  openDetail(): void {
    const row = this.s.list[this.s.cursor];
    if (!row) return;
    const request = this.b.request(row.id);
    if (!request) {
      this.set({ status: { text: `request ${row.id} is no longer in the history (pruned?)`, tone: 'error' } });
      return;
    }
    this.detailCache = null;
    this.set({
      view: 'detail',
      detail: { id: row.id, data: { request, deliveries: this.b.deliveries(row.id), reverified: null }, tab: 'request', scroll: 0 },
    });
  }

  /** The current tab's lines, cached until the detail, tab or width changes. */
  detailContent(): Line[] {
    const d = this.s.detail;
    if (!d?.data) return [];
    const key = `${d.id}:${d.tab}:${this.s.cols}:${d.data.deliveries.length}:${d.data.reverified ? 1 : 0}`;
    if (this.detailCache?.key === key) return this.detailCache.lines;
    const lines = detailLines(d.data, d.tab, this.s.cols);
    this.detailCache = { key, lines };
    return lines;
  }

  private scrollDetail(delta: number | 'top' | 'end'): void {
    const d = this.s.detail;
    if (!d) return;
    const max = Math.max(0, this.detailContent().length - this.detailHeight);
    const next = delta === 'top' ? 0 : delta === 'end' ? max : Math.max(0, Math.min(max, d.scroll + delta));
    if (next !== d.scroll) this.set({ detail: { ...d, scroll: next } });
  }

  /** Lines of tab content on screen: the list's height minus the tab bar. */
  get detailHeight(): number {
    return Math.max(1, this.listHeight);
  }

  private switchTab(delta: number): void {
    const d = this.s.detail;
    if (!d) return;
    const i = (TABS.indexOf(d.tab) + delta + TABS.length) % TABS.length;
    this.set({ detail: { ...d, tab: TABS[i]!, scroll: 0 } });
  }

  /** `n`/`N`: the next line of the body holding one of the filter's free-text terms. */
  private findInDetail(dir: 1 | -1): void {
    const d = this.s.detail;
    if (!d) return;
    const terms = tokenize(this.s.filter.applied).filter((t) => !/^[a-z]+:/i.test(t));
    if (!terms.length) {
      this.set({ status: { text: 'no text to find: type free text in the filter (/) first', tone: 'info' } });
      return;
    }
    const lines = this.detailContent().map(lineText);
    for (let step = 1; step <= lines.length; step++) {
      const i = (d.scroll + dir * step + lines.length) % lines.length;
      if (terms.some((t) => lines[i]!.includes(t))) {
        this.set({ detail: { ...d, scroll: Math.max(0, Math.min(i, Math.max(0, lines.length - this.detailHeight))) }, status: null });
        return;
      }
    }
    this.set({ status: { text: `"${terms.join(' ')}" not found in this tab`, tone: 'info' } });
  }

  // ── filter ────────────────────────────────────────────────────────────────────────────────────────

  /** New text in the filter line (the cursor at its end unless given): the list follows after a short pause. */
  private editFilter(input: string, cursor = lineAtEnd(input).cursor): void {
    const text = input;
    this.set({ filter: { ...this.s.filter, input: text, cursor } });
    this.cancelDebounce?.();
    this.cancelDebounce = this.schedule(() => this.applyFilter(text), FILTER_DEBOUNCE_MS);
  }

  /** Compile and run a filter; a bad term keeps the previous list and says what is wrong. */
  applyFilter(text: string): void {
    this.cancelDebounce?.();
    this.cancelDebounce = null;
    if (text.trim() === this.s.filter.applied && !this.s.filter.error) return;
    const compiled = compileFilter(text, this.clock());
    if (!compiled.ok) {
      this.set({ filter: { ...this.s.filter, error: compiled.error } });
      return;
    }
    if (compiled.filter.sql) {
      try {
        // Run once on an empty range: a filter SQLite refuses (thousands of pasted terms: "Expression tree is too
        // large") is the filter's error, never an exception in a scan or a live tick that would end the UI.
        this.b.count(0, 0, compiled.filter);
      } catch (err) {
        this.set({ filter: { ...this.s.filter, error: `this filter cannot run: ${(err as Error).message}` } });
        return;
      }
    }
    this.filter = compiled.filter.sql ? compiled.filter : null;
    this.seekEnd = false;
    this.set({ filter: { ...this.s.filter, applied: compiled.filter.text, error: null, matches: null, searching: Boolean(this.filter) }, view: 'list', detail: null });
    this.loadHead();
  }

  // ── actions ───────────────────────────────────────────────────────────────────────────────────────

  private async act(run: () => Promise<ActionResult>, busy: string): Promise<void> {
    this.set({ status: { text: busy, tone: 'info' } });
    let result: ActionResult;
    try {
      result = await run();
    } catch (err) {
      result = { ok: false, message: (err as Error).message.split('\n')[0] ?? 'failed' };
    }
    if (this.stopped) return;
    this.set({ status: { text: result.message, tone: result.ok ? 'ok' : 'error' } });
    this.tick();
  }

  private replay(kind: ReplayKind, to?: string): void {
    const id = this.selectedId();
    const a = this.actions;
    if (id === null || !a) return;
    if (!to && !a.hasTarget()) {
      const verb = { replay: 'replay', resign: 're-sign and replay', edit: 'edit and replay', duplicate: 'send twice' }[kind];
      this.set({ prompt: { kind: 'url', label: `${verb} #${id} to URL: `, ...typedLine(lineAtEnd('http://127.0.0.1:3000/')) } });
      this.pendingReplay = kind;
      return;
    }
    const verb = { replay: 'replaying', resign: 're-signing and replaying', edit: 'editing', duplicate: 'sending twice' }[kind];
    void this.act(() => a.replay(id, kind, to), `${verb} #${id}…`);
  }

  private pendingReplay: ReplayKind = 'replay';

  private submitPrompt(): void {
    const p = this.s.prompt;
    if (!p) return;
    this.set({ prompt: null });
    if (p.kind === 'url') {
      const url = p.input.trim();
      if (!/^https?:\/\/[^/?#]+/i.test(url)) {
        this.set({ status: { text: `not an http(s) URL: ${url}`, tone: 'error' } });
        return;
      }
      this.replay(this.pendingReplay, url);
    }
  }

  private exportAs(format: 'curl' | 'har' | 'ndjson'): void {
    const a = this.actions;
    if (!a) return;
    const id = this.selectedId();
    const selection = this.filter && this.s.view === 'list' ? { filter: this.filter } : id !== null ? { ids: [id] } : null;
    if (!selection) return;
    void this.act(() => a.export(selection, format), 'exporting…');
  }

  private verify(): void {
    const id = this.selectedId();
    const a = this.actions;
    if (id === null || !a) return;
    void (async () => {
      this.set({ status: { text: `verifying #${id}…`, tone: 'info' } });
      try {
        const { result, verdict } = await a.verify(id);
        const d = this.s.detail;
        if (d?.data && d.id === id && verdict) {
          this.detailCache = null;
          this.set({ detail: { ...d, data: { ...d.data, reverified: verdict } } });
        }
        this.set({ status: { text: result.message, tone: result.ok ? 'ok' : 'error' } });
      } catch (err) {
        this.set({ status: { text: (err as Error).message, tone: 'error' } });
      }
    })();
  }

  // ── keys ──────────────────────────────────────────────────────────────────────────────────────────

  /** One key press (or a paste), as the key reader or Ink reports it. */
  key(input: string, k: KeyInfo): void {
    if (this.s.suspended || this.s.quit) return;
    if (k.ctrl && input === 'c') return this.quit();
    if (k.paste) return this.pasted(input);
    if ([...input].length > 1 && !k.ctrl && !k.meta) {
      // Typed faster than read, or pasted: one chunk ("jjj", "/path:x⏎"). Each character is a key press of its own,
      // except that text typed into a line stays one piece.
      // eslint-disable-next-line no-control-regex
      for (const part of input.split(/([\x00-\x1f\x7f])/)) {
        if (!part) continue;
        if (part === '\r' || part === '\n') this.key('', { return: true });
        else if (part === '\t') this.key('', { tab: true });
        else if (part === '\x15') this.key('u', { ctrl: true });
        else if (part === '\x7f' || part === '\b') this.key('', { backspace: true });
        else if (part === '\x1b') this.key('', { escape: true });
        else if (part.charCodeAt(0) < 0x20) continue;
        else if (this.s.prompt) this.promptKey(part, {});
        else if (this.s.filter.editing) this.filterKey(part, {});
        else for (const ch of part) this.key(ch, {});
      }
      return;
    }
    if (this.s.prompt) return this.promptKey(input, k);
    if (this.s.filter.editing) return this.filterKey(input, k);
    if (this.s.help) return this.helpKey(input, k);
    if (input === 'q') return this.quit();
    if (input === '?') return this.set({ help: true, helpScroll: 0 });
    if (input === '/') return this.set({ filter: { ...this.s.filter, editing: true, ...typedLine(lineAtEnd(this.s.filter.applied)) } });
    if (input === 'F') {
      const follow = !this.s.follow;
      this.set({ follow, status: { text: follow ? 'following new requests' : 'not following: new requests are counted above', tone: 'info' } });
      if (follow) this.goHead();
      return;
    }
    // Actions are plain letters: ctrl-d is half a page, never "send twice"; ctrl-r (a shell's search) never replays.
    const plain = !k.ctrl && !k.meta;
    if (plain && !this.actions && input.length === 1 && ACTION_KEYS.includes(input)) {
      // The actions load after the first frame (~100 ms, more under load): the key waits for them, never lost.
      this.deferredKey = { input, k };
      this.set({ status: { text: 'loading…', tone: 'info' } });
      return;
    }
    if (plain) switch (input) {
      case 'r':
        return this.replay('replay');
      case 'R':
        return this.replay('resign');
      case 'e':
        return this.replay('edit');
      case 'd':
        return this.replay('duplicate');
      case 'y': {
        const id = this.selectedId();
        if (id !== null && this.actions) void this.act(() => this.actions!.curl(id), 'copying…');
        return;
      }
      case 'x':
        if (!this.actions) return;
        this.set({ prompt: { kind: 'export', label: `export ${this.filter && this.s.view === 'list' ? 'the filtered rows' : 'this request'} as (c)url, (h)ar or (n)djson? `, input: '', cursor: 0 } });
        return;
      case 'v':
        return this.verify();
    }
    if (this.s.view === 'detail') return this.detailKey(input, k);
    return this.listKey(input, k);
  }

  /** Pasted text goes into the line being typed, as one line; elsewhere it is refused, so a paste never acts. */
  private pasted(text: string): void {
    // eslint-disable-next-line no-control-regex
    const line = text.replace(/\r\n|[\r\n\t]/g, ' ').replace(/[\x00-\x1f\x7f]/g, '');
    if (this.s.prompt) {
      const p = this.s.prompt;
      const next = p.kind === 'url' ? editLine({ text: p.input, cursor: p.cursor }, line.trim(), {}) : null;
      if (next) this.set({ prompt: { ...p, ...typedLine(next) } });
      return;
    }
    if (this.s.filter.editing) {
      const f = this.s.filter;
      const next = editLine({ text: f.input, cursor: f.cursor }, line, {});
      if (next) this.editFilter(next.text, next.cursor);
      return;
    }
    this.set({ status: { text: 'paste ignored: press / to paste into the filter', tone: 'info' } });
  }

  /** In the help: j/k, pages, g/G scroll it (it may be taller than the screen); q quits; any other key closes it. */
  private helpKey(input: string, k: KeyInfo): void {
    if (input === 'q') return this.quit();
    const height = this.listHeight + 1;
    const page = Math.max(1, height - 2);
    const max = helpMaxScroll(height, Math.max(20, this.s.cols));
    let to: number | null = null;
    if (input === 'j' || k.downArrow) to = this.s.helpScroll + 1;
    else if (input === 'k' || k.upArrow) to = this.s.helpScroll - 1;
    else if (k.pageDown || input === ' ' || (k.ctrl && (input === 'd' || input === 'f'))) to = this.s.helpScroll + page;
    else if (k.pageUp || (k.ctrl && (input === 'u' || input === 'b'))) to = this.s.helpScroll - page;
    else if (input === 'g' || k.home) to = 0;
    else if (input === 'G' || k.end) to = max;
    if (to === null) return this.set({ help: false, helpScroll: 0 });
    this.set({ helpScroll: Math.max(0, Math.min(max, to)) });
  }

  private quit(): void {
    this.set({ quit: true });
    this.stop();
    this.onQuit();
  }

  private listKey(input: string, k: KeyInfo): void {
    const half = Math.max(1, Math.floor(this.listHeight / 2));
    if (input === 'j' || k.downArrow) return this.move(1);
    if (input === 'k' || k.upArrow) return this.move(-1);
    if (k.pageDown || (k.ctrl && input === 'f')) return this.move(this.listHeight);
    if (k.pageUp || (k.ctrl && input === 'b')) return this.move(-this.listHeight);
    if (k.ctrl && input === 'd') return this.move(half);
    if (k.ctrl && input === 'u') return this.move(-half);
    if (input === 'g' || k.home) return this.goHead();
    if (input === 'G' || k.end) return this.goEnd();
    if (k.return || k.rightArrow || (input === 'l' && !k.ctrl)) return this.openDetail();
    if (k.escape && this.s.filter.applied) {
      this.set({ filter: { ...this.s.filter, input: '', cursor: 0 } });
      return this.applyFilter('');
    }
  }

  private detailKey(input: string, k: KeyInfo): void {
    const h = this.detailHeight;
    if (k.escape || k.leftArrow || (input === 'h' && !k.ctrl)) {
      this.detailCache = null;
      return this.set({ view: 'list', detail: null });
    }
    if (k.tab) return this.switchTab(k.shift ? -1 : 1);
    if (input === 'j' || k.downArrow) return this.scrollDetail(1);
    if (input === 'k' || k.upArrow) return this.scrollDetail(-1);
    if (k.pageDown || (k.ctrl && input === 'f')) return this.scrollDetail(h);
    if (k.pageUp || (k.ctrl && input === 'b')) return this.scrollDetail(-h);
    if (k.ctrl && input === 'd') return this.scrollDetail(Math.floor(h / 2));
    if (k.ctrl && input === 'u') return this.scrollDetail(-Math.floor(h / 2));
    if (input === 'g' || k.home) return this.scrollDetail('top');
    if (input === 'G' || k.end) return this.scrollDetail('end');
    if (input === 'n') return this.findInDetail(1);
    if (input === 'N') return this.findInDetail(-1);
    if (/^[1-4]$/.test(input)) return this.set({ detail: { ...this.s.detail!, tab: TABS[Number(input) - 1]!, scroll: 0 } });
    if (input === 'o' && this.actions) {
      const id = this.s.detail!.id;
      void this.act(() => this.actions!.pager(id), 'opening the body in $PAGER…');
    }
  }

  private filterKey(input: string, k: KeyInfo): void {
    const f = this.s.filter;
    if (k.return) {
      this.set({ filter: { ...f, editing: false } });
      return this.applyFilter(f.input);
    }
    if (k.escape) {
      // Esc leaves the line; the filter typed so far stays applied (Esc again in the list clears it).
      this.cancelDebounce?.();
      this.set({ filter: { ...f, editing: false, ...typedLine(lineAtEnd(f.applied)), error: null } });
      return;
    }
    const next = editLine({ text: f.input, cursor: f.cursor }, input, k);
    if (!next) return;
    // A move alone changes no filter: no new search.
    if (next.text === f.input) this.set({ filter: { ...f, cursor: next.cursor } });
    else this.editFilter(next.text, next.cursor);
  }

  private promptKey(input: string, k: KeyInfo): void {
    const p = this.s.prompt!;
    if (k.escape) return this.set({ prompt: null, status: { text: 'cancelled', tone: 'info' } });
    if (p.kind === 'export') {
      const format = input === 'c' ? 'curl' : input === 'h' ? 'har' : input === 'n' ? 'ndjson' : null;
      if (!format) return;
      this.set({ prompt: null });
      return this.exportAs(format);
    }
    if (k.return) return this.submitPrompt();
    const next = editLine({ text: p.input, cursor: p.cursor }, input, k);
    if (next) this.set({ prompt: { ...p, ...typedLine(next) } });
  }

  /** The actions are loaded: a key that waited for them runs now. */
  attachActions(actions: UiActions): void {
    this.actions = actions;
    const d = this.deferredKey;
    this.deferredKey = null;
    if (d && !this.stopped) {
      this.set({ status: null });
      this.key(d.input, d.k);
    }
  }

  /** The runner sets this while $EDITOR or $PAGER owns the terminal: keys are not read meanwhile. */
  setSuspended(suspended: boolean): void {
    this.set({ suspended });
  }

  setStatus(status: Status | null): void {
    this.set({ status });
  }
}
