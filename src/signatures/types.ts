import type { HeaderList, Verdict, VerifyFailureCode } from '../core/types.js';

/** Everything a verifier may look at. Pure data: the clock is passed in. */
export interface VerifyInput {
  body: Buffer;
  headers: HeaderList;
  /**
   * The full URL the sender used, when known (`https://host/path?q`); Twilio and Square sign it.
   * For captured requests this is rebuilt from Host + path unless the user passed `--url`.
   */
  url: string;
  method: string;
  /** Secrets to try, in order (rotation, test vs live). Never empty when verify is called. */
  secrets: string[];
  /** Unix seconds. */
  now: number;
  /**
   * Override of the provider's replay window, in seconds. `0` (or a negative or non-finite value) disables the
   * timestamp check, as stripe-node's `tolerance: 0` does.
   */
  tolerance?: number;
}

export type { ReasonCode, VerifyFailureCode } from '../core/types.js';

export type VerifyResult =
  | { ok: true; secretIndex: number; warnings: string[] }
  | { ok: false; code: VerifyFailureCode; reason: string; warnings: string[] };

export interface SignInput {
  body: Buffer;
  /** The request's current headers (signing replaces the provider's signature headers). */
  headers: HeaderList;
  url: string;
  method: string;
  secret: string;
  /** Unix seconds. */
  now: number;
}

export interface EventInfo {
  eventType: string | null;
  eventId: string | null;
}

export interface Provider {
  /** Provider id used in flags, config, env names and JSON. */
  name: string;
  /** True when the headers carry this provider's signature headers. */
  detect(headers: HeaderList): boolean;
  verify(input: VerifyInput): VerifyResult;
  /** Returns the headers with this provider's signature headers set (fresh timestamp = input.now). */
  sign(input: SignInput): HeaderList;
  eventInfo(headers: HeaderList, body: Buffer): EventInfo;
  /**
   * True when the request looks like it comes from this provider even without its signature header
   * (e.g. `X-GitHub-Event`): a sender with no secret configured. Optional.
   */
  recognize?(headers: HeaderList): boolean;
  /** The provider signs the request URL (Twilio, Square): diagnosis then tries URL variants. */
  usesUrl?: boolean;
  /**
   * The secret string that makes this provider use `key` as its raw key bytes, or null when no string can
   * (diagnosis uses it to try a secret "in another form"). Default: `key` as UTF-8 text.
   */
  secretForKey?(key: Buffer): string | null;
  /**
   * Why this secret can never verify anything (wrong form: not base64 after `whsec_`, not a 64-hex public key),
   * or null. Checked at start-up so a malformed secret is refused once, not reported on every request. Optional:
   * providers whose secrets are any text omit it.
   */
  secretProblem?(secret: string): string | null;
}

/** A generic HMAC scheme defined in hookdev.config.json. */
export interface GenericDefinition {
  /** Provider id (flags, `--secret NAME=…`); secrets filed under `generic` apply too. */
  name: string;
  /** Signature header; may hold several space-separated signatures (rotation). */
  header: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  /** Hex is compared case-insensitively (decoded bytes are compared). */
  encoding: 'hex' | 'base64';
  /** Literal, case-sensitive prefix of each signature, e.g. `sha256=`; default none. */
  prefix?: string;
  /** What is signed; default `{body}`. May use `{timestamp}` with `timestampHeader`, `{url}`, `{method}`. */
  template?: string;
  /** Header carrying unix seconds; set → the window is checked and `sign` writes it. */
  timestampHeader?: string;
  /** ± window in seconds when `timestampHeader` is set; default 300, 0 disables. */
  toleranceSeconds?: number;
  eventTypeHeader?: string;
  eventIdHeader?: string;
}

/** The request-level entry point's input: everything the pipeline knows. */
export interface AnalyzeInput {
  body: Buffer;
  headers: HeaderList;
  url: string;
  method: string;
  /**
   * Secrets keyed by provider id (any case, `_` for `-`, aliases such as `standard` accepted). The key `*`
   * holds secrets for whichever provider the request turns out to be (`hookdev verify --secret S`).
   */
  secrets: Record<string, string[]>;
  now: number;
  /** Provider forced by `--provider` or config by path; otherwise detected. */
  provider?: string;
  tolerance?: number;
  generic?: GenericDefinition[];
}

export type Analysis = Verdict;
