/**
 * The shared store: several relay instances on one Redis behave as one relay.
 *
 * - Queue: one stream per channel holding only unacked requests. A Lua script checks the caps, takes the next
 *   per-channel seq, XADDs the entry as `<seq>-1` and publishes the wake-up, atomically; the client's ack XDELs it.
 *   No consumer groups: the lease makes one reader per channel.
 * - Wake-up: pub/sub per channel. The holding instance subscribes while its client is connected, so PUBLISH's
 *   receiver count tells ingress whether a client is connected anywhere.
 * - Routing: each instance has a reply channel; `received`/`ack`/`response` facts go to the instance whose sender
 *   waits, which passes the answer through.
 * - Lease: `SET NX PX` per channel with compare-and-renew, and an `INCR` epoch (fencing): a queue read carries the
 *   reader's epoch and fails once the lease moved on, so a paused instance that lost its channel stops sending.
 *
 * This is the one module that loads ioredis, itself loaded only when `--store redis://…` is used.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { HeaderList } from '../core/types.js';
import type { RelayLog } from './relay-events.js';
import type { QueueLimits } from './relay-queue.js';
import type {
  ClaimResult,
  Depth,
  EnqueueResult,
  InstanceMessage,
  LeaseHolder,
  NewQueuedRequest,
  QueuedRequest,
  RelayStore,
  RenewResult,
  StoreHandlers,
} from './relay-store.js';

export interface RedisStoreOptions {
  /** `redis://[:password@]host:port[/db]` */
  url: string;
  instanceId?: string;
  /** Default `hd:`. */
  keyPrefix?: string;
  limits: QueueLimits;
  leaseTtlMs?: number;
  log: RelayLog;
  now: () => number;
}

/** KEYS: stream, id index, meta, wake channel. ARGV: maxCount, maxBytes, size, id, field, value, … */
const ENQUEUE = `
local count = tonumber(redis.call('HGET', KEYS[3], 'count') or '0')
local bytes = tonumber(redis.call('HGET', KEYS[3], 'bytes') or '0')
local size = tonumber(ARGV[3])
if count + 1 > tonumber(ARGV[1]) or bytes + size > tonumber(ARGV[2]) then return {0, 0} end
local seq = redis.call('HINCRBY', KEYS[3], 'seq', 1)
redis.call('HINCRBY', KEYS[3], 'count', 1)
redis.call('HINCRBY', KEYS[3], 'bytes', size)
redis.call('XADD', KEYS[1], seq .. '-1', unpack(ARGV, 5))
redis.call('HSET', KEYS[2], ARGV[4], seq .. ':' .. size)
local n = redis.call('PUBLISH', KEYS[4], seq)
return {seq, n}
`;

/** KEYS: stream, id index, meta. ARGV: id. */
const ACK = `
local v = redis.call('HGET', KEYS[2], ARGV[1])
if not v then return 0 end
local seq, size = string.match(v, '^(%d+):(%d+)$')
redis.call('HDEL', KEYS[2], ARGV[1])
local n = redis.call('XDEL', KEYS[1], seq .. '-1')
if n == 1 then
  redis.call('HINCRBY', KEYS[3], 'count', -1)
  redis.call('HINCRBY', KEYS[3], 'bytes', -tonumber(size))
end
return n
`;

/** KEYS: stream, lease. ARGV: afterSeq, limit, maxBytes, epoch. Fenced: the lease must carry this epoch. */
const PENDING = `
local v = redis.call('GET', KEYS[2])
if not v or string.match(v, '^(%d+)|') ~= ARGV[4] then return redis.error_reply('FENCED lease moved on') end
local es = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1] .. '-1', '+', 'COUNT', tonumber(ARGV[2]))
local out = {}
local total = 0
for i, e in ipairs(es) do
  local f = e[2]
  local size = 0
  for j = 1, #f, 2 do if f[j] == 'size' then size = tonumber(f[j + 1]) end end
  if i > 1 and total + size > tonumber(ARGV[3]) then break end
  total = total + size
  out[#out + 1] = e
end
return out
`;

/** KEYS: lease, epoch. ARGV: instance, tokenIndex, clientId, ttl. Returns {epoch, previous instance} or {0, holder}. */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
local prev = ''
if v then
  local e, inst, tok, cid = string.match(v, '^(%d+)|([^|]*)|([^|]*)|(.*)$')
  if ARGV[3] == '' or cid ~= ARGV[3] or tok ~= ARGV[2] then return {0, v} end
  prev = inst
end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], epoch .. '|' .. ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3], 'PX', tonumber(ARGV[4]))
return {epoch, prev}
`;

/**
 * KEYS: lease, epoch. ARGV: value, ttl, epoch. Compare-and-renew; a lease that expired while nobody else claimed
 * the channel (the epoch is still ours, e.g. after a Redis restart) is taken back.
 */
const RENEW = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) return 1 end
if not v and redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0
`;

/** KEYS: lease. ARGV: value. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type Reply = Buffer | number | null | Reply[];

interface Scripts {
  hdEnqueue(...args: Array<string | Buffer | number>): Promise<[number, number]>;
  hdAck(...args: string[]): Promise<number>;
  hdPendingBuffer(...args: Array<string | number>): Promise<Reply[]>;
  hdClaim(...args: Array<string | number>): Promise<[number, string]>;
  hdRenew(...args: Array<string | number>): Promise<number>;
  hdRelease(...args: string[]): Promise<number>;
}

const MAX_PAGE_BYTES = 32 * 1024 * 1024;
/** How long start-up waits for the first connection to Redis before listening anyway (not ready). */
const START_WAIT_MS = 2000;

export class RedisRelayStore implements RelayStore {
  readonly shared = true;
  readonly instanceId: string;
  private readonly p: string;
  private readonly cmd: Redis & Scripts;
  private readonly sub: Redis;
  private readonly known = new Set<string>();
  private readonly watched = new Set<string>();
  private handlers: StoreHandlers | null = null;
  private up = false;
  private lastError = '';
  private checkedPersistence = false;
  private readonly leaseTtlMs: number;

  constructor(private readonly o: RedisStoreOptions) {
    this.instanceId = o.instanceId ?? `${hostname()}-${randomBytes(3).toString('hex')}`;
    this.p = o.keyPrefix ?? 'hd:';
    this.leaseTtlMs = o.leaseTtlMs ?? 10_000;
    const common = {
      protocol: 2 as const,
      connectTimeout: 2000,
      // Reconnect forever, quickly: the relay answers 503 meanwhile and recovers by itself.
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
      lazyConnect: true,
    };
    // Commands fail at once while Redis is away (ingress answers 503), and are never resent after a reconnect:
    // a resent XADD would queue a request whose sender was already told 503.
    this.cmd = new Redis(o.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: 5000,
    }) as Redis & Scripts;
    this.sub = new Redis(o.url, { ...common, maxRetriesPerRequest: null });
    this.cmd.defineCommand('hdEnqueue', { numberOfKeys: 4, lua: ENQUEUE });
    this.cmd.defineCommand('hdAck', { numberOfKeys: 3, lua: ACK });
    this.cmd.defineCommand('hdPending', { numberOfKeys: 2, lua: PENDING });
    this.cmd.defineCommand('hdClaim', { numberOfKeys: 2, lua: CLAIM });
    this.cmd.defineCommand('hdRenew', { numberOfKeys: 2, lua: RENEW });
    this.cmd.defineCommand('hdRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  get available(): boolean {
    return this.up;
  }

  private key(kind: string, channel: string): string {
    return `${this.p}${kind}:${channel}`;
  }

  private instKey(instance: string): string {
    return `${this.p}inst:${instance}`;
  }

  async start(handlers: StoreHandlers): Promise<void> {
    this.handlers = handlers;
    const wakePrefix = `${this.p}wake:`;
    const inst = this.instKey(this.instanceId);
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const name = channel.toString();
      if (name === inst) {
        const m = decodeMessage(message);
        if (m) handlers.onMessage(m);
      } else if (name.startsWith(wakePrefix)) handlers.onWake(name.slice(wakePrefix.length), Number(message.toString()));
    });
    for (const c of [this.cmd, this.sub]) {
      c.on('error', (err: Error) => {
        this.lastError = err.message;
      });
      c.on('ready', () => this.updateAvailability());
      c.on('close', () => this.updateAvailability());
      c.on('end', () => this.updateAvailability());
    }
    // Not fatal when Redis is away at start-up: the instance listens, reports not ready, and recovers when Redis
    // comes (ioredis keeps reconnecting). So the first connection is awaited briefly, not until it succeeds.
    const connected = Promise.all([this.cmd.connect().catch(() => undefined), this.sub.connect().catch(() => undefined)]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([connected, new Promise<void>((r) => (timer = setTimeout(r, START_WAIT_MS)))]);
    clearTimeout(timer);
    // Queued by the subscriber connection until it is ready; resubscribed after every reconnect.
    void this.sub.subscribe(inst).catch(() => undefined);
    this.updateAvailability();
    // Not up yet: said once now (the operator sees "listening" and must see why senders get 503), then on each change.
    if (!this.up) handlers.onAvailability(false, `cannot reach ${redactUrl(this.o.url)}: ${this.lastError || 'no answer'}; answering 503 until it is back`);
  }

  private updateAvailability(): void {
    const up = this.cmd.status === 'ready' && this.sub.status === 'ready';
    if (up === this.up) return;
    this.up = up;
    this.handlers?.onAvailability(up, up ? `connected to ${redactUrl(this.o.url)}` : `lost ${redactUrl(this.o.url)}: ${this.lastError || 'connection closed'}`);
    if (up && !this.checkedPersistence) {
      this.checkedPersistence = true;
      void this.checkPersistence();
    }
  }

  /** A 202 promises the request survives a Redis restart: say so when this Redis cannot keep that promise. */
  private async checkPersistence(): Promise<void> {
    const where = redactUrl(this.o.url);
    try {
      const [, appendonly] = (await this.cmd.config('GET', 'appendonly')) as [string, string];
      const [, fsync] = (await this.cmd.config('GET', 'appendfsync')) as [string, string];
      const advice = 'set `appendonly yes` and `appendfsync always` (see the README)';
      if (appendonly !== 'yes')
        this.o.log({ event: 'warning', message: `Redis at ${where} runs with appendonly ${appendonly}: a Redis restart loses queued requests that were answered 202; ${advice}` });
      else if (fsync === 'everysec')
        this.o.log({ event: 'warning', message: `Redis at ${where} uses appendfsync everysec: a Redis crash can lose up to about 1 s of queued requests answered 202; ${advice} to close that window` });
      else if (fsync !== 'always')
        this.o.log({ event: 'warning', message: `Redis at ${where} uses appendfsync ${fsync}: a Redis crash can lose queued requests answered 202 (the OS decides when they reach the disk); ${advice}` });
      const [, policy] = (await this.cmd.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy?.startsWith('allkeys'))
        this.o.log({ event: 'warning', message: `Redis at ${where} uses maxmemory-policy ${policy}: under memory pressure it would evict queued requests answered 202; use noeviction (a full Redis then makes the relay answer 503)` });
    } catch (err) {
      this.o.log({ event: 'warning', message: `could not check the persistence settings of Redis at ${where} (${(err as Error).message}); queued requests survive a Redis restart only with appendonly yes + appendfsync always` });
    }
  }

  isKnownChannel(channel: string): boolean | Promise<boolean> {
    return this.known.has(channel) || this.askKnown(channel);
  }

  private async askKnown(channel: string): Promise<boolean> {
    const yes = (await this.cmd.sismember(`${this.p}channels`, channel)) === 1;
    if (yes) this.known.add(channel);
    return yes;
  }

  async touchChannel(channel: string, _now: number): Promise<void> {
    await this.cmd.sadd(`${this.p}channels`, channel);
    this.known.add(channel);
  }

  async enqueue(row: NewQueuedRequest): Promise<EnqueueResult> {
    if (!this.up) return { ok: false, reason: 'unavailable' };
    const ch = row.channel;
    let seq: number;
    let listeners: number;
    try {
      [seq, listeners] = await this.cmd.hdEnqueue(
        this.key('q', ch),
        this.key('qi', ch),
        this.key('qm', ch),
        this.key('wake', ch),
        this.o.limits.maxCount,
        this.o.limits.maxBytes,
        row.body.length,
        row.id,
        ...entryFields(row),
      );
    } catch {
      return { ok: false, reason: 'unavailable' };
    }
    if (seq === 0) return { ok: false, reason: 'full' };
    return { ok: true, seq, listeners };
  }

  ack(channel: string, id: string): void {
    // Lost acks (Redis away) only mean a redelivery, which the client drops by relay id.
    this.cmd.hdAck(this.key('q', channel), this.key('qi', channel), this.key('qm', channel), id).catch(() => undefined);
  }

  async pending(channel: string, afterSeq: number, limit: number, epoch: number): Promise<QueuedRequest[]> {
    const entries = await this.cmd.hdPendingBuffer(this.key('q', channel), this.key('lease', channel), afterSeq, limit, MAX_PAGE_BYTES, epoch);
    return entries.map((e) => parseEntry(channel, e));
  }

  /** An XADD answered by Redis is as durable as its appendfsync setting makes it (checked at start-up). */
  async durable(): Promise<boolean> {
    return true;
  }

  async depth(channel: string): Promise<Depth> {
    const [count, bytes] = await this.cmd.hmget(this.key('qm', channel), 'count', 'bytes');
    return { count: Number(count ?? 0), bytes: Number(bytes ?? 0) };
  }

  async depths(channels: string[]): Promise<Array<[string, Depth]>> {
    if (channels.length === 0) return [];
    const pipe = this.cmd.pipeline();
    for (const c of channels) pipe.hmget(this.key('qm', c), 'count', 'bytes');
    const results = (await pipe.exec()) ?? [];
    return channels.map((c, i) => {
      const v = (results[i]?.[1] ?? []) as Array<string | null>;
      return [c, { count: Number(v[0] ?? 0), bytes: Number(v[1] ?? 0) }];
    });
  }

  async claim(channel: string, clientId: string, tokenIndex: number): Promise<ClaimResult> {
    if (!this.up) return { kind: 'unavailable' };
    try {
      const [epoch, other] = await this.cmd.hdClaim(
        this.key('lease', channel),
        this.key('epoch', channel),
        this.instanceId,
        tokenIndex,
        clientId,
        this.leaseTtlMs,
      );
      if (epoch === 0) return { kind: 'held', holder: parseLease(String(other)) };
      return { kind: 'granted', epoch, takenFrom: String(other) };
    } catch {
      return { kind: 'unavailable' };
    }
  }

  async renew(channel: string, holder: LeaseHolder): Promise<RenewResult> {
    try {
      const r = await this.cmd.hdRenew(this.key('lease', channel), this.key('epoch', channel), leaseValue(holder), this.leaseTtlMs, holder.epoch);
      return r === 1 ? 'kept' : 'lost';
    } catch {
      return 'unknown';
    }
  }

  release(channel: string, holder: LeaseHolder): void {
    this.cmd.hdRelease(this.key('lease', channel), leaseValue(holder)).catch(() => undefined);
  }

  watch(channel: string): void {
    this.watched.add(channel);
    this.sub.subscribe(this.key('wake', channel)).catch(() => undefined);
  }

  unwatch(channel: string): void {
    this.watched.delete(channel);
    this.sub.unsubscribe(this.key('wake', channel)).catch(() => undefined);
  }

  send(instance: string, message: InstanceMessage): void {
    this.cmd.publish(this.instKey(instance), encodeMessage(message)).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.handlers = null;
    await Promise.all([closeConnection(this.sub), closeConnection(this.cmd)]);
  }
}

/** How long a QUIT may take before the connection is simply dropped. */
const QUIT_WAIT_MS = 1000;

/**
 * QUIT when Redis is there (pending replies arrive first), else drop the connection: a QUIT queued while ioredis
 * reconnects to an absent Redis would wait forever, and SIGTERM would never end the relay.
 */
async function closeConnection(c: Redis): Promise<void> {
  if (c.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([c.quit().catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, QUIT_WAIT_MS)))]);
    clearTimeout(timer);
  }
  c.disconnect();
}

function entryFields(r: NewQueuedRequest): Array<string | Buffer> {
  return [
    'id', r.id,
    'method', r.method,
    'path', r.path,
    'url', r.url,
    'headers', JSON.stringify(r.headers),
    'receivedAt', String(r.receivedAt),
    'remoteAddr', r.remoteAddr,
    'httpVersion', r.httpVersion,
    'replyTo', r.replyTo,
    'size', String(r.body.length),
    'body', r.body,
  ];
}

function parseEntry(channel: string, e: Reply): QueuedRequest {
  const [sid, flat] = e as [Buffer, Buffer[]];
  const f = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!.toString(), flat[i + 1]!);
  const s = (k: string): string => f.get(k)?.toString() ?? '';
  let headers: HeaderList = [];
  try {
    headers = JSON.parse(s('headers')) as HeaderList;
  } catch {
    // Written by us as JSON; an unreadable entry still delivers its body.
  }
  return {
    seq: Number(sid.toString().split('-')[0]),
    id: s('id'),
    channel,
    method: s('method'),
    path: s('path'),
    url: s('url'),
    headers,
    body: f.get('body') ?? Buffer.alloc(0),
    receivedAt: Number(s('receivedAt')),
    remoteAddr: s('remoteAddr'),
    httpVersion: s('httpVersion'),
    replyTo: s('replyTo'),
  };
}

function leaseValue(h: LeaseHolder): string {
  return `${h.epoch}|${h.instance}|${h.tokenIndex}|${h.clientId}`;
}

function parseLease(v: string): LeaseHolder {
  const m = /^(\d+)\|([^|]*)\|([^|]*)\|(.*)$/.exec(v);
  return { epoch: Number(m?.[1] ?? 0), instance: m?.[2] ?? '', tokenIndex: Number(m?.[3] ?? -1), clientId: m?.[4] ?? '' };
}

/** `u32 BE header length | JSON header | answer body` (bodies stay bytes, as on the WebSocket). */
export function encodeMessage(m: InstanceMessage): Buffer {
  const { body, header } =
    m.kind === 'answer'
      ? { body: m.answer.body, header: { kind: m.kind, id: m.id, status: m.answer.status, headers: m.answer.headers } }
      : { body: Buffer.alloc(0), header: m };
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(json.length, 0);
  return Buffer.concat([len, json, body]);
}

export function decodeMessage(buf: Buffer): InstanceMessage | null {
  try {
    const n = buf.readUInt32BE(0);
    const h = JSON.parse(buf.subarray(4, 4 + n).toString()) as Record<string, unknown>;
    const body = buf.subarray(4 + n);
    const str = (k: string): string => (typeof h[k] === 'string' ? (h[k] as string) : '');
    switch (h.kind) {
      case 'received':
      case 'acked':
        return { kind: h.kind, id: str('id') };
      case 'answer':
        return { kind: 'answer', id: str('id'), answer: { status: Number(h.status), headers: (h.headers as HeaderList) ?? [], body } };
      case 'gone':
        return { kind: 'gone', id: str('id'), acked: h.acked === true };
      case 'revoke':
        return { kind: 'revoke', channel: str('channel'), epoch: Number(h.epoch) };
      case 'check':
        return { kind: 'check', channel: str('channel'), from: str('from') };
      case 'check-result':
        return { kind: 'check-result', channel: str('channel'), alive: h.alive === true };
      default:
        return null; // from a newer instance: ignored
    }
  } catch {
    return null;
  }
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'redis';
  }
}
