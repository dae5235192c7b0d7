/** Headers exactly as they arrived: ordered [name, value] pairs, case and repeats kept. */
export type HeaderList = Array<[string, string]>;

/** Which door a request came in through. */
export const REQUEST_SOURCES = ['http', 'relay', 'import', 'send'] as const;
export type RequestSource = (typeof REQUEST_SOURCES)[number];

/** A request as a door hands it to the pipeline: plain values, no sockets. */
export interface IncomingWebhook {
  source: RequestSource;
  method: string;
  /** Path and query exactly as received (e.g. `/hooks/a?x=%20`). */
  url: string;
  httpVersion: string;
  remoteAddr: string;
  headers: HeaderList;
  /** Exact body bytes; never decoded on the way. */
  body: Buffer;
  /** Epoch milliseconds. */
  receivedAt: number;
  /**
   * Set by the relay door: the whole public URL the sender used (scheme, host, `/<channel>`, path, query).
   * URL-signing providers (Twilio, Square) are verified against it.
   */
  publicUrl?: string | null;
  /** Set by the relay door: the relay's request id, used to drop redeliveries. */
  relayId?: string | null;
  /**
   * Set by the relay door for a request read back from the relay's queue (a backlog) rather than handed over
   * live: forwarding sends such requests one at a time, in history order.
   */
  queued?: boolean;
  /** Set by the HTTP door: the local port the request arrived on (where a request without Host was sent). */
  localPort?: number | null;
  /** Set when the capture door refused the request (e.g. 413); the body is then not kept. */
  rejected?: { status: number; reason: string } | null;
  /** Declared body size when the body itself was not kept (rejected requests). */
  declaredSize?: number | null;
}

export const SIGNATURE_STATUSES = ['valid', 'invalid', 'unsigned', 'no-secret'] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

/** Why a provider's verification failed. */
export const VERIFY_FAILURE_CODES = [
  'missing_header',
  'malformed_header',
  'too_old',
  'too_new',
  'no_match',
  'wrong_scheme',
  'bad_secret',
  'empty_body',
  'missing_timestamp',
  /** The body could not be read the way the provider needs (Linear: not JSON). */
  'bad_body',
  /** The provider signs the URL (Twilio, Square) and the URL is missing or not absolute. */
  'bad_url',
] as const;
export type VerifyFailureCode = (typeof VERIFY_FAILURE_CODES)[number];

/** A verdict's machine-readable reason: a provider's failure, or a provider name nobody knows. */
export type ReasonCode = VerifyFailureCode | 'unknown_provider';
const REASON_CODES: ReadonlySet<string> = new Set<ReasonCode>([...VERIFY_FAILURE_CODES, 'unknown_provider']);

export function isReasonCode(v: unknown): v is ReasonCode {
  return typeof v === 'string' && REASON_CODES.has(v);
}

/** The verdict's details kept beside its status and reason in the history. */
export interface SignatureDetail {
  code: ReasonCode | null;
  diagnosis: string | null;
  warnings: string[];
  /** Which secret matched, masked to its last 4 characters (`core/secrets.ts` maskSecret); absent in older rows. */
  secretHint?: string | null;
}

/** What the signature layer concluded about one request. */
export interface Verdict {
  provider: string | null;
  eventType: string | null;
  eventId: string | null;
  status: SignatureStatus;
  /** One line a person can act on. */
  reason: string;
  /** Machine-readable reason code (missing_header, too_old, no_match, ...). */
  code?: ReasonCode | null;
  /** Longer explanation when no signature matched: which culprit explains it. */
  diagnosis?: string | null;
  warnings?: string[];
  /** When valid: the secret that matched, masked to its last 4 characters. Never the secret itself. */
  secretHint?: string | null;
}

/** A request as read back from the history. */
export interface StoredRequest
  extends Pick<IncomingWebhook, 'receivedAt' | 'source' | 'method' | 'url' | 'httpVersion' | 'remoteAddr' | 'headers'> {
  id: number;
  /** Exact body bytes (empty in list summaries, and for refused requests whose body was not kept). */
  body: Buffer;
  bodySize: number;
  contentType: string | null;
  provider: string | null;
  eventType: string | null;
  eventId: string | null;
  signatureStatus: SignatureStatus | null;
  signatureReason: string | null;
  /** Parsed once from the stored JSON column (store/rows.ts). */
  signatureDetail: SignatureDetail | null;
  duplicateOf: number | null;
  relayId: string | null;
  /** The local port it arrived on (HTTP door); null for other doors and rows from before it was recorded. */
  localPort: number | null;
  rejectedStatus: number | null;
  rejectedReason: string | null;
  /** The status the sender was answered with. */
  responseStatus: number | null;
  /** Set on imported rows: the key of the exported original (what makes a second import add nothing). */
  importKey: string | null;
}

export type DeliveryKind = 'forward' | 'replay' | 'send';

export interface Delivery {
  id: number;
  requestId: number;
  kind: DeliveryKind;
  target: string;
  attempt: number;
  startedAt: number;
  durationMs: number | null;
  status: number | null;
  responseHeaders: HeaderList | null;
  responseBody: Buffer | null;
  /** True when responseBody was cut at the storage cap. */
  responseTruncated: boolean;
  error: string | null;
}

export type NewDelivery = Omit<Delivery, 'id'> & {
  /** Passthrough: the status the sender was answered with after this exchange (kept with the row, see store/rows.ts). */
  answerStatus?: number | null;
};

/** What a door sends back to the sender. */
export interface Answer {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

/**
 * A door hands each request here and writes back the answer it resolves to.
 * The promise resolves only after the request is committed to the history (or was a known duplicate).
 */
export type RequestHandler = (incoming: IncomingWebhook) => Promise<Answer>;
