import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { open as openFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretMap } from '../../config/secrets.js';
import { formatMs } from '../../core/duration.js';
import { EventHub } from '../../core/events.js';
import type { StoredRequest, Verdict } from '../../core/types.js';
import { senderUrl } from '../../core/sender-url.js';
import { editInEditor, EditorError } from '../../forward/editor.js';
import { planReplays, prepareReplay, rememberedReplayTarget, resolveTarget, summarize, type ReplayTarget, type Signing } from '../../forward/replay.js';
import { runReplays } from '../../forward/replayer.js';
import { analyze, getProvider, secretsFor } from '../../signatures/index.js';
import type { GenericDefinition } from '../../signatures/types.js';
import type { Browser } from '../../store/browse.js';
import { HAR_CLOSE, HAR_OPEN, toExportRecord, toHarEntry } from '../../store/exchange.js';
import type { CompiledFilter } from '../../store/filter.js';
import { WriteBatcher, type Store } from '../../store/index.js';
import { decodeContentEncoding } from '../body.js';
import { curlCommand } from '../curl.js';
import type { ActionResult, ReplayKind, UiActions } from './controller.js';

export interface ActionDeps {
  store: Store;
  browser: Browser;
  /** Delivery events go here (listen's hub, so the header sees them); a private hub otherwise. */
  events?: EventHub;
  secrets: SecretMap;
  generic: GenericDefinition[];
  /** Where `r` sends without asking: listen's --forward-to, else the config's forwardTo. */
  targets: string[];
  /** Give the terminal to another program for the duration of `fn`. */
  handOff: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Put text on the clipboard (OSC 52). */
  clipboard: (text: string) => void;
  /** Folder for curl and export files. */
  outDir: string;
  env: NodeJS.ProcessEnv;
  clock?: () => number;
}

/** OSC 52: the terminal puts the text on the system clipboard (over SSH too); ignored by terminals without it. */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

/** The UI's actions, built from the functions `replay`, `show --curl`, `export` and `verify` use. */
export class ReplayActions implements UiActions {
  private readonly events: EventHub;
  private readonly clock: () => number;

  constructor(private readonly d: ActionDeps) {
    this.events = d.events ?? new EventHub();
    this.clock = d.clock ?? Date.now;
  }

  private load(id: number): StoredRequest {
    const r = this.d.browser.request(id);
    if (!r) throw new Error(`request ${id} is no longer in the history`);
    return r;
  }

  private target(to: string | undefined): ReplayTarget | null {
    if (to) return { url: to, source: 'flag', exact: false };
    // The remembered target base, as `hookdev replay` without --to (issue 10 item 10).
    return resolveTarget(undefined, this.d.targets, rememberedReplayTarget(this.d.store));
  }

  hasTarget(): boolean {
    return this.target(undefined) !== null;
  }

  private signer(r: StoredRequest): Omit<Signing, 'now'> | string {
    const provider = r.provider ? getProvider(r.provider, this.d.generic) : undefined;
    if (!provider) return `#${r.id} has no known provider, so it cannot be re-signed`;
    // The UI's discord secret is the public key it verifies with; signing needs the private key (send, replay).
    if (provider.name === 'discord') return `#${r.id} is a Discord request: re-signing needs the private key, and the discord secret here is the public key; use hookdev replay ${r.id} --resign --secret discord=…`;
    const secret = secretsFor(provider, this.d.secrets).secrets[0];
    if (!secret) return `no ${provider.name} secret to re-sign #${r.id}: pass --secret ${provider.name}=… or set it in the config`;
    return { provider, secret };
  }

  async replay(id: number, kind: ReplayKind, to?: string): Promise<ActionResult> {
    const r = this.load(id);
    if (r.rejectedStatus) return { ok: false, message: `#${id} was refused with ${r.rejectedStatus}; its body was not kept` };
    const target = this.target(to);
    if (!target) return { ok: false, message: 'no target: start listen with --forward-to, or set forwardTo in hookdev.config.json' };
    let body: Buffer | undefined;
    let sign: Omit<Signing, 'now'> | null = null;
    let note = '';
    if (kind === 'resign') {
      const s = this.signer(r);
      if (typeof s === 'string') return { ok: false, message: s };
      sign = s;
    }
    if (kind === 'edit') {
      let res;
      try {
        res = await this.d.handOff(() => editInEditor(r.body, { env: this.d.env, name: `hookdev-${r.id}${/json/i.test(r.contentType ?? '') ? '.json' : '.txt'}` }));
      } catch (err) {
        if (err instanceof EditorError) return { ok: false, message: err.message };
        throw err;
      }
      switch (res.outcome) {
        case 'emptied':
          // As `hookdev replay --edit`: an emptied file cancels, nothing is sent.
          return { ok: false, message: `#${id} edit cancelled: the saved file was empty; nothing was sent` };
        case 'edited': {
          body = res.body;
          const s = this.signer(r);
          // An edited body is sure to fail its old signature: sign it when a secret is known.
          if (typeof s !== 'string') sign = s;
          else if (r.provider === 'discord') note = ' (edited; Discord requests are not re-signed here, so the old signature will not match)';
          else if (r.provider) note = ` (edited; no ${r.provider} secret, so the old signature will not match)`;
          else note = ' (edited)';
          break;
        }
        case 'unchanged':
          note = ' (unchanged, sent as captured)';
          break;
        default:
          res satisfies never;
      }
    }
    const times = kind === 'duplicate' ? 2 : 1;
    // Delivery rows go through a batcher of the UI's own; flushed below so the new rows show at once.
    const writes = new WriteBatcher(this.d.store, () => undefined);
    const results = await runReplays({
      deliveries: writes,
      events: this.events,
      plan: planReplays([r], { times, shuffle: false }),
      prepare: (req) => prepareReplay(req, { target, body, sign: sign ? { ...sign, now: Math.floor(this.clock() / 1000) } : null }),
    });
    writes.flush();
    const last = results[results.length - 1]!;
    const sum = summarize(results);
    const what = kind === 'resign' ? 're-signed ' : kind === 'duplicate' ? 'twice ' : '';
    const url = prepareReplay(r, { target }).url;
    const outcome = times > 1 ? sum.line : last.status !== null ? `${last.status} in ${formatMs(last.durationMs)}` : `✗ ${last.error ?? last.failure}`;
    return { ok: sum.ok, message: `#${id} ${what}→ ${url}: ${outcome}${note}` };
  }

  async curl(id: number): Promise<ActionResult> {
    const text = curlCommand(this.load(id));
    const file = join(this.d.outDir, `hookdev-${id}.curl.sh`);
    mkdirSync(this.d.outDir, { recursive: true });
    writeFileSync(file, text + '\n', { mode: 0o600 });
    this.d.clipboard(text);
    return { ok: true, message: `copied curl for #${id} (OSC 52); also in ${file}` };
  }

  async export(selection: { ids: number[] } | { filter: CompiledFilter }, format: 'curl' | 'har' | 'ndjson'): Promise<ActionResult> {
    const ext = format === 'curl' ? 'sh' : format;
    mkdirSync(this.d.outDir, { recursive: true });
    const file = join(this.d.outDir, `hookdev-export-${this.clock()}.${ext}`);
    const fh = await openFile(file, 'w', 0o600);
    let n = 0;
    try {
      if (format === 'har') await fh.write(HAR_OPEN);
      const write = async (r: StoredRequest) => {
        if (format === 'ndjson') await fh.write(JSON.stringify(toExportRecord(r)) + '\n');
        else if (format === 'har') await fh.write((n ? ',' : '') + JSON.stringify(toHarEntry(r, { status: r.responseStatus })));
        else await fh.write(`# #${r.id}\n${curlCommand(r)}\n`);
        n++;
      };
      if ('ids' in selection) {
        for (const id of selection.ids) await write(this.load(id));
      } else {
        // Pages by id with awaits between: never one long read that would hold the connection (listen writes on it).
        let after = 0;
        for (;;) {
          const page = this.d.browser.fullRowsAfter(after, 200, selection.filter);
          for (const r of page) await write(r);
          if (page.length < 200) break;
          after = page[page.length - 1]!.id;
        }
      }
      if (format === 'har') await fh.write(HAR_CLOSE);
    } finally {
      await fh.close();
    }
    return { ok: true, message: `exported ${n} request${n === 1 ? '' : 's'} as ${format} to ${file}` };
  }

  async verify(id: number): Promise<{ result: ActionResult; verdict: Verdict | null }> {
    const r = this.load(id);
    if (r.rejectedStatus) return { result: { ok: false, message: `#${id} was refused; its body was not kept` }, verdict: null };
    const verdict = analyze({
      body: r.body,
      headers: r.headers,
      url: senderUrl(r),
      method: r.method,
      secrets: this.d.secrets,
      // Judged as of its arrival: an old capture is not "too old" now because it sat in the history.
      now: Math.floor(r.receivedAt / 1000),
      provider: r.provider ?? undefined,
      generic: this.d.generic,
    });
    // Which secret matched, by its last 4 characters (the reason names it only when there are several).
    if (verdict.status === 'valid' && verdict.secretHint && !verdict.reason.includes(verdict.secretHint)) verdict.reason += ` (secret ${verdict.secretHint})`;
    const mark = verdict.status === 'valid' ? '✓' : verdict.status === 'invalid' ? '✗' : '–';
    return { result: { ok: verdict.status === 'valid', message: `#${id} verified again: ${mark} ${verdict.reason}` }, verdict };
  }

  async pager(id: number): Promise<ActionResult> {
    const r = this.load(id);
    const dir = await mkdtemp(join(tmpdir(), 'hookdev-body-'));
    const file = join(dir, `hookdev-${id}.body`);
    try {
      // What the Request tab shows: a gzip/deflate/br body decoded (the pager cannot read the compressed bytes).
      const decoded = decodeContentEncoding(r.headers, r.body);
      await writeFile(file, decoded ? decoded.body : r.body);
      const pager = this.d.env.PAGER || 'less';
      const code = await this.d.handOff(
        () =>
          new Promise<number | string>((resolve) => {
            const child = spawn('/bin/sh', ['-c', `${pager} "$1"`, 'hookdev-pager', file], { stdio: 'inherit', env: this.d.env });
            child.once('error', () => resolve('could not be started'));
            child.once('exit', (c, signal) => resolve(c ?? `ended by ${signal}`));
          }),
      );
      return code === 0 ? { ok: true, message: `closed ${pager}` } : { ok: false, message: `${pager} ${typeof code === 'number' ? `exited with ${code}` : code}` };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
