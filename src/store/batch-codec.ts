import type { NewRequest } from './store.js';

/**
 * A batch as one JSON string plus one buffer of all bodies: far cheaper to post to a worker than
 * structured-cloning objects, and the bodies buffer is transferred, not copied.
 */
export interface EncodedBatch {
  meta: string;
  bodies: ArrayBuffer;
}

export function encodeBatch(items: NewRequest[]): EncodedBatch {
  let total = 0;
  for (const it of items) total += it.incoming.body.length;
  const bodies = new Uint8Array(total);
  let offset = 0;
  const meta = items.map((it) => {
    const { body, ...rest } = it.incoming;
    bodies.set(body, offset);
    offset += body.length;
    return [rest, it.verdict, it.responseStatus ?? null, body.length];
  });
  return { meta: JSON.stringify(meta), bodies: bodies.buffer };
}

export function decodeBatch(batch: EncodedBatch): NewRequest[] {
  const meta = JSON.parse(batch.meta) as Array<[Omit<NewRequest['incoming'], 'body'>, NewRequest['verdict'], number | null, number]>;
  const all = Buffer.from(batch.bodies);
  let offset = 0;
  return meta.map(([rest, verdict, responseStatus, len]) => {
    const body = all.subarray(offset, offset + len);
    offset += len;
    return { incoming: { ...rest, body }, verdict, responseStatus };
  });
}
