/** The first `limit` bytes of an answer's body, and whether more came: what both HTTP clients keep of an answer. */
export class KeptBody {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  /**
   * `ownCopies`: the reader reuses a chunk's memory once it is handed over, so what is kept is copied (and a single
   * copy can be the body as it is); otherwise chunks are kept as views and joined into a body of their own.
   */
  constructor(private readonly limit: number, private readonly ownCopies: boolean) {}

  add(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room > 0) {
      const view = chunk.length > room ? chunk.subarray(0, room) : chunk;
      const part = this.ownCopies ? Buffer.from(view) : view;
      this.chunks.push(part);
      this.kept += part.length;
    }
    if (chunk.length > room) this.truncated = true;
  }

  bytes(): Buffer {
    return this.ownCopies && this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.kept);
  }
}
