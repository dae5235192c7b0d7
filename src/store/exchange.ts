import { createHash } from 'node:crypto';
import { VERSION } from '../core/version.js';
import { REQUEST_SOURCES, SIGNATURE_STATUSES, type HeaderList, type StoredRequest, type Verdict } from '../core/types.js';
import { headerProblem } from '../core/header-validate.js';
import { parseSignatureDetail, signatureDetailColumn } from './rows.js';
import type { NewRequest } from './store.js';

/** One line of `hookdev export --format ndjson`: every field needed to rebuild the request exactly. */
export interface ExportRecord {
  id: number;
  receivedAt: string;
  source: string;
  method: string;
  url: string;
  httpVersion: string;
  remoteAddr: string;
  headers: HeaderList;
  bodyBase64: string;
  bodySize: number;
  provider: string | null;
  eventType: string | null;
  eventId: string | null;
  signature: { status: string; reason: string | null; detail: string | null } | null;
  relayId: string | null;
  /** The local port it arrived on (HTTP door); null otherwise. Absent from files written before it was recorded. */
  localPort: number | null;
  rejected: { status: number; reason: string | null } | null;
  responseStatus: number | null;
  /** Set on rows that were themselves imported: the key of the original, so a second import still finds it. */
  importKey: string | null;
}

/** The fields every JSON form of a stored request starts with (export lines, `list --json`, `show --json`). */
export function requestHeadJson(r: StoredRequest): Pick<ExportRecord, 'id' | 'receivedAt' | 'source' | 'method' | 'url' | 'httpVersion' | 'remoteAddr' | 'headers'> {
  return {
    id: r.id,
    receivedAt: new Date(r.receivedAt).toISOString(),
    source: r.source,
    method: r.method,
    url: r.url,
    httpVersion: r.httpVersion,
    remoteAddr: r.remoteAddr,
    headers: r.headers,
  };
}

export function toExportRecord(r: StoredRequest): ExportRecord {
  return {
    ...requestHeadJson(r),
    bodyBase64: r.body.toString('base64'),
    bodySize: r.bodySize,
    provider: r.provider,
    eventType: r.eventType,
    eventId: r.eventId,
    signature: r.signatureStatus
      ? { status: r.signatureStatus, reason: r.signatureReason, detail: r.signatureDetail ? signatureDetailColumn(r.signatureDetail) : null }
      : null,
    relayId: r.relayId,
    localPort: r.localPort,
    rejected: r.rejectedStatus ? { status: r.rejectedStatus, reason: r.rejectedReason } : null,
    responseStatus: r.responseStatus,
    importKey: r.importKey,
  };
}

/**
 * What makes an exported request the same one again: its id where it was first captured, its arrival time and its
 * body. Two imports of one file, or a file imported back into the history it came from, add nothing.
 */
export function importKeyOf(originalId: number, receivedAt: number, body: Buffer): string {
  return `${originalId}:${receivedAt}:${createHash('sha256').update(body).digest('hex')}`;
}

const IMPORT_KEY = /^(\d+):(\d+):[0-9a-f]{64}$/;

/** The id the request had where it was first captured (for finding it among that history's own rows). */
export function originalIdOf(importKey: string): number {
  return Number(IMPORT_KEY.exec(importKey)?.[1] ?? NaN);
}

/** An import line's field that is not what an export writes: the field's path and what was expected. */
class FieldError extends Error {}

type Json = Record<string, unknown>;

function str(o: Json, key: string, path = key): string {
  const v = o[key];
  if (typeof v !== 'string') throw new FieldError(`${path}: expected a string, got ${describe(v)}`);
  return v;
}

function strOrNull(o: Json, key: string, path = key): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new FieldError(`${path}: expected a string or null, got ${describe(v)}`);
  return v;
}

function int(o: Json, key: string, min: number, max: number, path = key): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new FieldError(`${path}: expected a whole number from ${min} to ${max}, got ${describe(v)}`);
  }
  return v;
}

function intOrNull(o: Json, key: string, min: number, max: number, path = key): number | null {
  return o[key] === undefined || o[key] === null ? null : int(o, key, min, max, path);
}

function objOrNull(o: Json, key: string): Json | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new FieldError(`${key}: expected an object or null, got ${describe(v)}`);
  return v as Json;
}

function oneOf<T extends string>(o: Json, key: string, allowed: readonly T[], path = key): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new FieldError(`${path}: expected one of ${allowed.join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function isHeaderList(v: unknown): v is HeaderList {
  return Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
}

const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Canonical padded base64: the alphabet, at most two `=` at the end, a length that is a multiple of 4. Checked
 * without a repeated group: `(?:[…]{4})*` overflowed the regexp stack on a body of tens of MB (an internal error).
 */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_CHARS.test(text);
}

/**
 * Parse and check one NDJSON line into a request to insert; every field is checked, and a bad one is named by its
 * path (`signature.status: expected one of …`). Returns that message for a bad line.
 */
export function fromExportLine(line: string): NewRequest | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not a JSON object';
  try {
    return checkRecord(parsed as Json);
  } catch (err) {
    if (err instanceof FieldError) return err.message;
    throw err;
  }
}

function checkRecord(o: Json): NewRequest {
  const id = int(o, 'id', 1, Number.MAX_SAFE_INTEGER);
  const receivedText = str(o, 'receivedAt');
  const receivedAt = Date.parse(receivedText);
  if (Number.isNaN(receivedAt) || !/^\d{4}-\d{2}-\d{2}T/.test(receivedText)) {
    throw new FieldError(`receivedAt: expected an ISO 8601 time, got ${describe(receivedText)}`);
  }
  // Older exports may lack a source: those rows came from an import of unknown origin.
  const source = o.source === undefined ? 'import' : oneOf(o, 'source', REQUEST_SOURCES);
  const method = str(o, 'method');
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) throw new FieldError(`method: expected an HTTP method, got ${describe(method)}`);
  const url = str(o, 'url');
  const httpVersion = o.httpVersion === undefined ? '1.1' : str(o, 'httpVersion');
  const remoteAddr = o.remoteAddr === undefined ? '' : str(o, 'remoteAddr');
  const headers = o.headers;
  if (!isHeaderList(headers)) throw new FieldError('headers: expected a list of [name, value] pairs of strings');
  // What HTTP cannot carry (a CR/LF, a name with a space) never came off the wire: replay would fail on it, and
  // show would print a value's newline as a line of its own.
  headers.forEach(([name, value], i) => {
    const problem = headerProblem(name, value);
    if (problem) throw new FieldError(`headers[${i}]: ${problem}`);
  });
  const bodyBase64 = str(o, 'bodyBase64');
  if (!isBase64(bodyBase64)) throw new FieldError('bodyBase64: expected base64 text');
  const body = Buffer.from(bodyBase64, 'base64');
  const provider = strOrNull(o, 'provider');
  const eventType = strOrNull(o, 'eventType');
  const eventId = strOrNull(o, 'eventId');
  const relayId = strOrNull(o, 'relayId');
  if (relayId === '') throw new FieldError('relayId: expected a relay request id or null, got ""');
  // Older exports lack it.
  const localPort = intOrNull(o, 'localPort', 1, 65535);
  const rejectedObj = objOrNull(o, 'rejected');
  const rejected = rejectedObj
    ? { status: int(rejectedObj, 'status', 400, 599, 'rejected.status'), reason: strOrNull(rejectedObj, 'reason', 'rejected.reason') ?? '' }
    : null;
  const bodySize = o.bodySize === undefined ? body.length : int(o, 'bodySize', 0, Number.MAX_SAFE_INTEGER);
  if (!rejected && bodySize !== body.length) {
    throw new FieldError(`bodySize: ${bodySize} does not match the ${body.length} bytes of bodyBase64`);
  }
  const responseStatus = intOrNull(o, 'responseStatus', 100, 599);
  const sigObj = objOrNull(o, 'signature');
  let verdict: Verdict | null = null;
  if (provider !== null || sigObj) {
    const status = sigObj ? oneOf(sigObj, 'status', SIGNATURE_STATUSES, 'signature.status') : 'unsigned';
    const detailText = sigObj ? strOrNull(sigObj, 'detail', 'signature.detail') : null;
    const detail = parseSignatureDetail(detailText);
    if (detailText !== null && detail === null) throw new FieldError('signature.detail: expected the JSON text an export writes');
    verdict = {
      provider,
      eventType,
      eventId,
      status,
      reason: (sigObj && strOrNull(sigObj, 'reason', 'signature.reason')) ?? '',
      code: detail?.code ?? null,
      diagnosis: detail?.diagnosis ?? null,
      warnings: detail?.warnings ?? [],
    };
  }
  const carried = strOrNull(o, 'importKey');
  if (carried !== null && !IMPORT_KEY.test(carried)) throw new FieldError(`importKey: expected id:time:sha256, got ${describe(carried)}`);
  return {
    incoming: {
      source,
      method,
      url,
      httpVersion,
      remoteAddr,
      headers,
      body,
      receivedAt,
      relayId,
      localPort,
      rejected,
      declaredSize: rejected ? bodySize : null,
    },
    verdict,
    responseStatus,
    importKey: carried ?? importKeyOf(id, receivedAt, body),
  };
}

/** The text around HAR entries: a HAR 1.2 log named for this build. */
export const HAR_OPEN = `{"log":{"version":"1.2","creator":{"name":"hookdev","version":${JSON.stringify(VERSION)}},"entries":[`;
export const HAR_CLOSE = ']}}\n';

/** HAR 1.2 (https://w3c.github.io/web-performance/specs/HAR/Overview.html) for browser devtools and proxies. */
export function toHarEntry(r: StoredRequest, response: { status: number | null } | null): Record<string, unknown> {
  const host = r.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? 'localhost';
  const url = `http://${host}${r.url}`;
  const query = new URL(url).searchParams;
  const text = r.body.toString('utf8');
  const isUtf8 = Buffer.from(text, 'utf8').equals(r.body);
  return {
    startedDateTime: new Date(r.receivedAt).toISOString(),
    time: 0,
    request: {
      method: r.method,
      url,
      httpVersion: `HTTP/${r.httpVersion}`,
      cookies: [],
      headers: r.headers.map(([name, value]) => ({ name, value })),
      queryString: [...query].map(([name, value]) => ({ name, value })),
      postData: r.body.length
        ? {
            mimeType: r.contentType ?? 'application/octet-stream',
            text: isUtf8 ? text : r.body.toString('base64'),
            ...(isUtf8 ? {} : { _encoding: 'base64' }),
          }
        : undefined,
      headersSize: -1,
      bodySize: r.bodySize,
    },
    response: {
      status: response?.status ?? 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    _hookdevId: r.id,
  };
}
