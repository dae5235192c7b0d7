import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src/store/open.js';
import { RelayQueue, type NewQueuedRequest } from '../../../src/tunnel/relay-queue.js';
import { tempDir } from '../../helpers/tunnel.js';

const limits = { maxCount: 5, maxBytes: 1000 };

function req(id: string, channel = 'chan-a', body = Buffer.from(id)): NewQueuedRequest {
  return {
    id,
    channel,
    method: 'POST',
    path: `/p/${id}?q=1`,
    url: `https://relay.example/${channel}/p/${id}?q=1`,
    replyTo: '',
    headers: [['X-A', '1'], ['x-a', '2']],
    body,
    receivedAt: 1000,
    remoteAddr: '127.0.0.1',
    httpVersion: '1.1',
  };
}

describe('RelayQueue', () => {
  const dirs: Array<() => void> = [];
  afterEach(() => dirs.splice(0).forEach((c) => c()));
  const open = (): { q: RelayQueue; path: string } => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const path = join(t.dir, 'relay.db');
    return { q: new RelayQueue(path, limits), path };
  };

  it('keeps requests per channel in arrival order until acked', () => {
    const { q } = open();
    for (const id of ['a', 'b', 'c']) expect(q.enqueue(req(id)).ok).toBe(true);
    q.enqueue(req('x', 'chan-b'));
    expect(q.pending('chan-a').map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(q.pending('chan-a')[0]).toMatchObject({ path: '/p/a?q=1', headers: [['X-A', '1'], ['x-a', '2']] });
    expect(q.ack('chan-a', 'b')).toBe(true);
    expect(q.pending('chan-a').map((r) => r.id)).toEqual(['a', 'c']);
    expect(q.depth('chan-a')).toEqual({ count: 2, bytes: 2 });
  });

  it('only lets a channel ack its own rows', () => {
    const { q } = open();
    q.enqueue(req('a', 'chan-a'));
    expect(q.ack('chan-b', 'a')).toBe(false);
    expect(q.depth('chan-a').count).toBe(1);
  });

  it('pages after a seq', () => {
    const { q } = open();
    for (const id of ['a', 'b', 'c', 'd']) q.enqueue(req(id));
    const first = q.pending('chan-a', 0, 2);
    expect(first.map((r) => r.id)).toEqual(['a', 'b']);
    expect(q.pending('chan-a', first[1]!.seq, 10).map((r) => r.id)).toEqual(['c', 'd']);
  });

  it('pages by body bytes too, always returning at least one row', () => {
    const { q } = open();
    for (const id of ['a', 'b', 'c']) q.enqueue(req(id, 'chan-a', Buffer.alloc(300)));
    expect(q.pending('chan-a', 0, 10, 650).map((r) => r.id)).toEqual(['a', 'b']);
    expect(q.pending('chan-a', 0, 10, 10).map((r) => r.id)).toEqual(['a']);
  });

  it('refuses past the per-channel count and byte caps', () => {
    const { q } = open();
    for (let i = 0; i < 5; i++) expect(q.enqueue(req(`r${i}`)).ok).toBe(true);
    expect(q.enqueue(req('r5'))).toEqual({ ok: false, reason: 'full' });
    expect(q.enqueue(req('other', 'chan-b')).ok).toBe(true);
    expect(q.enqueue(req('big', 'chan-c', Buffer.alloc(1001)))).toEqual({ ok: false, reason: 'full' });
  });

  it('survives a reopen (bytes exact, order kept, seq never reused)', () => {
    const { q, path } = open();
    const body = Buffer.from([0, 255, 1, 254]);
    q.enqueue(req('a', 'chan-a', body));
    const lastSeq = q.enqueue(req('b')).ok ? q.pending('chan-a').at(-1)!.seq : 0;
    q.touchChannel('chan-a', 5);
    q.ack('chan-a', 'b');
    q.close();
    const again = new RelayQueue(path, limits);
    try {
      expect(again.isKnownChannel('chan-a')).toBe(true);
      expect(again.isKnownChannel('chan-z')).toBe(false);
      const rows = again.pending('chan-a');
      expect(rows.map((r) => r.id)).toEqual(['a']);
      expect(rows[0]!.body.equals(body)).toBe(true);
      expect(again.depth('chan-a')).toEqual({ count: 1, bytes: 4 });
      again.ack('chan-a', 'a');
      const r = again.enqueue(req('c'));
      expect(r.ok && r.seq > lastSeq).toBe(true);
    } finally {
      again.close();
    }
  });

  it('writes a queued request by the time flushed() resolves, as another connection sees it', async () => {
    const { q, path } = open();
    q.enqueue(req('a'));
    const reader = openSqlite(path, { readonly: true });
    try {
      expect(reader.prepare('SELECT COUNT(*) AS n FROM queue').get()).toEqual({ n: 0 }); // not yet: a turn later
      expect(await q.flushed()).toBe(true);
      expect(reader.prepare('SELECT id FROM queue').all()).toEqual([{ id: 'a' }]);
      q.ack('chan-a', 'a');
      expect(await q.flushed()).toBe(true);
      expect(reader.prepare('SELECT COUNT(*) AS n FROM queue').get()).toEqual({ n: 0 });
    } finally {
      reader.close();
      q.close();
    }
  });

  it('the grace timer writes only rows older than the grace; a younger one acked in time is never written', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const path = join(t.dir, 'relay.db');
    let clock = 0;
    const q = new RelayQueue(path, limits, () => clock);
    const spy = openSqlite(path);
    spy.exec(`CREATE TABLE inserted (id TEXT);
      CREATE TRIGGER count_inserts AFTER INSERT ON queue BEGIN INSERT INTO inserted VALUES (new.id); END;`);
    const inserted = (): unknown[] => spy.prepare('SELECT id FROM inserted').all();
    try {
      q.enqueue(req('old')); // arms the grace timer
      clock = 45;
      q.enqueue(req('young')); // queued just before the timer fires
      clock = 60; // by the time the timer fires, only 'old' has waited the whole grace
      await waitFor(() => inserted().length > 0);
      expect(inserted()).toEqual([{ id: 'old' }]);
      expect(q.ack('chan-a', 'young')).toBe(true); // acked within its own grace
      expect(await q.flushed()).toBe(true);
      expect(inserted()).toEqual([{ id: 'old' }]);
      expect(spy.prepare('SELECT id FROM queue').all()).toEqual([{ id: 'old' }]);
    } finally {
      spy.close();
      q.close();
    }
  });

  it('the grace timer writes a younger row once it has aged', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const path = join(t.dir, 'relay.db');
    let clock = 0;
    const q = new RelayQueue(path, limits, () => clock);
    const reader = openSqlite(path, { readonly: true });
    const ids = (): unknown[] => reader.prepare('SELECT id FROM queue ORDER BY seq').all();
    try {
      q.enqueue(req('old'));
      clock = 45;
      q.enqueue(req('young'));
      clock = 60;
      await waitFor(() => ids().length === 1);
      clock = 200; // the timer armed for the rest finds it aged
      await waitFor(() => ids().length === 2);
      expect(ids()).toEqual([{ id: 'old' }, { id: 'young' }]);
    } finally {
      reader.close();
      q.close();
    }
  });

  it('never writes a request acked before its commit (a connected client answered first)', async () => {
    const { q, path } = open();
    // Count the writes themselves: a row written then deleted would leave the table looking the same.
    const spy = openSqlite(path);
    spy.exec(`CREATE TABLE inserted (id TEXT);
      CREATE TRIGGER count_inserts AFTER INSERT ON queue BEGIN INSERT INTO inserted VALUES (new.id); END;`);
    q.enqueue(req('fast'));
    q.enqueue(req('slow'));
    for (let turn = 0; turn < 3; turn++) await new Promise((r) => setImmediate(r)); // a few loop turns, as an answer takes
    expect(q.ack('chan-a', 'fast')).toBe(true);
    expect(q.depth('chan-a')).toEqual({ count: 1, bytes: 4 });
    expect(await q.flushed()).toBe(true);
    try {
      expect(spy.prepare('SELECT id FROM inserted').all()).toEqual([{ id: 'slow' }]);
      expect(spy.prepare('SELECT id FROM queue').all()).toEqual([{ id: 'slow' }]);
    } finally {
      spy.close();
      q.close();
    }
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
