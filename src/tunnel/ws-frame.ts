/**
 * The header of one unmasked, final, binary WebSocket frame (RFC 6455 section 5.2), as a server sends it: written
 * into the free bytes in front of a payload, so the frame leaves as one buffer in one socket write. `ws.send` builds
 * the same header as a separate buffer and makes two writes and a few objects per frame; the relay sends one
 * request frame per relayed request.
 */

/** Room a header can need: 2 bytes, plus 8 for a 64-bit payload length. */
export const WS_HEADER_MAX = 10;

/**
 * Write the header so that it ends at `end`, for a payload of `length` bytes starting there. Returns where the
 * header (and so the frame) starts.
 */
export function writeBinaryFrameHeader(buf: Buffer, end: number, length: number): number {
  const FIN_BINARY = 0x82;
  if (length <= 125) {
    buf[end - 2] = FIN_BINARY;
    buf[end - 1] = length;
    return end - 2;
  }
  if (length <= 0xffff) {
    buf[end - 4] = FIN_BINARY;
    buf[end - 3] = 126;
    buf.writeUInt16BE(length, end - 2);
    return end - 4;
  }
  buf[end - 10] = FIN_BINARY;
  buf[end - 9] = 127;
  // 64-bit length: the high 2 bytes are 0 for anything a Buffer can hold (writeUIntBE takes at most 6 bytes).
  buf[end - 8] = 0;
  buf[end - 7] = 0;
  buf.writeUIntBE(length, end - 6, 6);
  return end - 10;
}
