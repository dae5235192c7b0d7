import type { IncomingMessage } from 'node:http';

/** How reading a body ended. */
export type BodyOutcome =
  | { kind: 'body'; body: Buffer }
  /** Past the limit: what was read is dropped and the rest of the upload ignored. */
  | { kind: 'too-large'; size: number }
  /** The client went away after `size` bytes. */
  | { kind: 'aborted'; size: number };

/**
 * Read a request body of at most `max` bytes and call `done` once: with the bytes at the end, at once when the
 * limit is passed (the caller may answer 413 while the upload still streams), or when the client goes away.
 * A callback, not a promise: on the capture path the answer goes out without a promise hop.
 */
export function readBodyUnder(req: IncomingMessage, max: number, done: (outcome: BodyOutcome) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (outcome: BodyOutcome): void => {
    if (finished) return;
    finished = true;
    chunks.length = 0;
    done(outcome);
  };
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > max) finish({ kind: 'too-large', size });
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (finished) return;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    finish({ kind: 'body', body });
  });
  req.on('aborted', () => finish({ kind: 'aborted', size }));
  req.on('error', () => finish({ kind: 'aborted', size }));
}
