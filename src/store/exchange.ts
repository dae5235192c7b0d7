import type { HeaderList, StoredRequest, Verdict } from '../core/types.js';
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
  rejected: { status: number; reason: string | null } | null;
  responseStatus: number | null;
}

export function toExportRecord(r: StoredRequest): ExportRecord {
  return {
    id: r.id,
    receivedAt: new Date(r.receivedAt).toISOString(),
    source: r.source,
    method: r.method,
    url: r.url,
    httpVersion: r.httpVersion,
    remoteAddr: r.remoteAddr,
    headers: r.headers,
    bodyBase64: r.body.toString('base64'),
    bodySize: r.bodySize,
    provider: r.provider,
    eventType: r.eventType,
    eventId: r.eventId,
    signature: r.signatureStatus ? { status: r.signatureStatus, reason: r.signatureReason, detail: r.signatureDetail } : null,
    relayId: r.relayId,
    rejected: r.rejectedStatus ? { status: r.rejectedStatus, reason: r.rejectedReason } : null,
    responseStatus: r.responseStatus,
  };
}

function isHeaderList(v: unknown): v is HeaderList {
  return Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
}

/** Parse one NDJSON line back into a request to insert; returns an error string for a bad line. */
export function fromExportLine(line: string): NewRequest | string {
  let o: Partial<ExportRecord>;
  try {
    o = JSON.parse(line) as Partial<ExportRecord>;
  } catch {
    return 'not valid JSON';
  }
  if (!o || typeof o !== 'object') return 'not a JSON object';
  if (typeof o.method !== 'string' || typeof o.url !== 'string') return 'missing method or url';
  if (!isHeaderList(o.headers)) return 'headers must be a list of [name, value] pairs';
  if (typeof o.bodyBase64 !== 'string') return 'missing bodyBase64';
  const receivedAt = typeof o.receivedAt === 'string' ? Date.parse(o.receivedAt) : NaN;
  if (Number.isNaN(receivedAt)) return 'receivedAt must be an ISO 8601 time';
  const body = Buffer.from(o.bodyBase64, 'base64');
  const sig = o.signature;
  let verdict: Verdict | null = null;
  if (o.provider || sig) {
    let detail: { code?: string; diagnosis?: string; warnings?: string[] } = {};
    try {
      detail = sig?.detail ? (JSON.parse(sig.detail) as typeof detail) : {};
    } catch {
      detail = {};
    }
    verdict = {
      provider: o.provider ?? null,
      eventType: o.eventType ?? null,
      eventId: o.eventId ?? null,
      status: (sig?.status ?? 'unsigned') as Verdict['status'],
      reason: sig?.reason ?? '',
      code: detail.code ?? null,
      diagnosis: detail.diagnosis ?? null,
      warnings: detail.warnings ?? [],
    };
  }
  return {
    incoming: {
      source: 'import',
      method: o.method,
      url: o.url,
      httpVersion: typeof o.httpVersion === 'string' ? o.httpVersion : '1.1',
      remoteAddr: typeof o.remoteAddr === 'string' ? o.remoteAddr : '',
      headers: o.headers,
      body,
      receivedAt,
      relayId: o.relayId ?? null,
      rejected: o.rejected ? { status: o.rejected.status, reason: o.rejected.reason ?? '' } : null,
      declaredSize: o.rejected ? (o.bodySize ?? 0) : null,
    },
    verdict,
    responseStatus: o.responseStatus ?? null,
  };
}

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
