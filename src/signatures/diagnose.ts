/**
 * When no signature matched, re-run the provider's verify on the usual culprits and say which one explains
 * it. Only runs on failure; every variant is one more HMAC, so it stays cheap.
 */
import { brotliDecompressSync, gzipSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { maskSecret } from '../core/secrets.js';
import { getHeader } from '../core/headers.js';
import type { HeaderList } from '../core/types.js';
import { rawKeySecret, sha256Hex } from './lib/crypto.js';
import { decodeBase64Strict, decodeHex } from './lib/encoding.js';
import type { Provider, VerifyInput } from './types.js';
import { urlVariants } from './url-variants.js';

export interface DiagnoseInput {
  provider: Provider;
  /** The verify input that failed with `no_match`. */
  input: VerifyInput;
  /** Every configured secret, by provider id: a match with another one is a finding too. */
  allSecrets?: Record<string, string[]>;
  /** Keys of `allSecrets` that are this provider's own (already tried). */
  ownKeys?: string[];
}

interface Variant<T> {
  label: string;
  value: T;
}

const MAX_DECODED = 64 * 1024 * 1024;
const MAX_FINDINGS = 3;
const MAX_COMPRESS = 1024 * 1024;
// Above this, re-serializing costs more than the hint is worth.
const MAX_JSON_VARIANT = 8 * 1024 * 1024;

/** Did verify pass with this change? Tolerance 0 = no age check: we only ask about the signature. */
function passes(provider: Provider, input: VerifyInput, patch: Partial<VerifyInput>): boolean {
  try {
    return provider.verify({ ...input, tolerance: 0, ...patch }).ok;
  } catch {
    return false;
  }
}

function bodyVariants(body: Buffer, headers: HeaderList): Array<Variant<Buffer>> {
  const out: Array<Variant<Buffer>> = [];
  const text = body.toString('utf8');
  let json: unknown;
  let isJson = false;
  if (body.length <= MAX_JSON_VARIANT) {
    try {
      json = JSON.parse(text);
      isJson = true;
    } catch {
      // not JSON: no re-serialization variants
    }
  }
  const changed = 'the body bytes changed after signing (an editor, a proxy or a body parser?)';
  if (text.endsWith('\r\n')) out.push({ label: `the body without its trailing CRLF: ${changed}`, value: body.subarray(0, -2) });
  if (text.endsWith('\n')) out.push({ label: `the body without its trailing newline: ${changed}`, value: body.subarray(0, -1) });
  out.push({ label: `the body with a trailing newline added: the newline the sender signed was stripped`, value: Buffer.concat([body, Buffer.from('\n')]) });
  out.push({ label: `the body with a trailing CRLF added: the line end the sender signed was stripped`, value: Buffer.concat([body, Buffer.from('\r\n')]) });
  if (text.includes('\r\n')) out.push({ label: `the body with CRLF line ends turned into LF: ${changed}`, value: Buffer.from(text.replace(/\r\n/g, '\n')) });
  if (/(^|[^\r])\n/.test(text)) out.push({ label: `the body with LF line ends turned into CRLF: ${changed}`, value: Buffer.from(text.replace(/\r?\n/g, '\r\n')) });
  if (isJson) {
    const reason = 'the body was parsed and re-serialized between signing and here (verify the raw bytes, never JSON.parse + stringify)';
    out.push({ label: `the body re-serialized as compact JSON: ${reason}`, value: Buffer.from(JSON.stringify(json)) });
    out.push({ label: `the body pretty-printed as JSON (2-space indent): ${reason}`, value: Buffer.from(JSON.stringify(json, null, 2)) });
    out.push({ label: `the body re-serialized as JSON with sorted keys: ${reason}`, value: Buffer.from(JSON.stringify(sortKeys(json))) });
  }
  out.push(...encodingVariants(body, headers));
  // Variants that came out identical to the body prove nothing.
  return out.filter((v) => !v.value.equals(body));
}

/** Gzip (or deflate/br) decoded when the stored body is encoded; encoded when it is not. */
function encodingVariants(body: Buffer, headers: HeaderList): Array<Variant<Buffer>> {
  const enc = (getHeader(headers, 'Content-Encoding') ?? '').toLowerCase();
  const gz = body.length > 2 && body[0] === 0x1f && body[1] === 0x8b;
  const decoded = 'the sender signed the decoded bytes: decode Content-Encoding before verifying';
  const tryDecode = (label: string, f: () => Buffer): Array<Variant<Buffer>> => {
    try {
      return [{ label, value: f() }];
    } catch {
      return [];
    }
  };
  const opts = { maxOutputLength: MAX_DECODED };
  if (gz || enc.includes('gzip')) return tryDecode(`the gunzipped body: ${decoded}`, () => gunzipSync(body, opts));
  if (enc.includes('deflate')) {
    return [
      ...tryDecode(`the inflated body: ${decoded}`, () => inflateSync(body, opts)),
      ...tryDecode(`the inflated body: ${decoded}`, () => inflateRawSync(body, opts)),
    ];
  }
  if (enc.includes('br')) return tryDecode(`the brotli-decoded body: ${decoded}`, () => brotliDecompressSync(body, opts));
  // Re-compressing only reproduces the sender's bytes for default gzip settings; worth one cheap try.
  if (body.length > MAX_COMPRESS) return [];
  const removed = 'the body was decompressed after signing (something dropped Content-Encoding on the way)';
  return [{ label: `the gzip-compressed body: ${removed}`, value: gzipSync(body) }];
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
}

/** The string that makes `provider` use `key` as its key bytes (default: the bytes as UTF-8 text). */
function secretFor(provider: Provider, key: Buffer): string | null {
  if (provider.secretForKey) return provider.secretForKey(key);
  if (key.length === 0) return null;
  const text = key.toString('utf8');
  return Buffer.from(text, 'utf8').equals(key) ? text : rawKeySecret(key);
}

function secretVariants(provider: Provider, secret: string): Array<Variant<string>> {
  const m = maskSecret(secret);
  const prefix = /^(whsec_|whpk_|whsk_)/.exec(secret)?.[1] ?? '';
  const rest = secret.slice(prefix.length);
  const out: Array<Variant<string | null>> = [
    { label: `secret ${m} with surrounding whitespace removed: the configured value has stray whitespace (a newline from a file?)`, value: secret.trim() || null },
  ];
  if (prefix) out.push({ label: `secret ${m} without its ${prefix} prefix`, value: rest });
  else out.push({ label: `secret ${m} with a whsec_ prefix`, value: `whsec_${secret}` });
  const b64 = decodeBase64Strict(rest);
  if (b64) out.push({ label: `secret ${m} base64-decoded${prefix ? ` after ${prefix}` : ''} (the Standard Webhooks form)`, value: secretFor(provider, b64) });
  const hex = decodeHex(rest);
  if (hex && hex.length) out.push({ label: `secret ${m} hex-decoded`, value: secretFor(provider, hex) });
  out.push({ label: `secret ${m} used as plain text (the whole string${prefix ? `, ${prefix} included` : ''})`, value: secretFor(provider, Buffer.from(secret, 'utf8')) });
  if (prefix) out.push({ label: `secret ${m} without ${prefix}, used as plain text`, value: secretFor(provider, Buffer.from(rest, 'utf8')) });
  return out.filter((v): v is Variant<string> => v.value !== null && v.value !== secret);
}

export function diagnose(d: DiagnoseInput): string {
  const { provider, input } = d;
  const findings: string[] = [];
  const found = (text: string): boolean => {
    findings.push(text);
    return findings.length >= MAX_FINDINGS;
  };
  const own = new Set(input.secrets);

  search: {
    // Simplest explanations first (newline, then JSON, then compression); one body culprit is enough.
    const body = bodyVariants(input.body, input.headers).find((v) => passes(provider, input, { body: v.value }));
    if (body) found(`the signature matches ${body.label}.`);
    for (const s of input.secrets) {
      for (const v of secretVariants(provider, s)) {
        if (own.has(v.value)) continue;
        if (passes(provider, input, { secrets: [v.value] })) {
          const form = provider.secretForKey ? 'base64-decodes what follows whsec_' : 'uses the secret string exactly as given';
          if (found(`the signature matches ${v.label}: the sender used the secret in another form (${provider.name} ${form}).`)) break search;
        }
      }
    }
    const ownKeys = new Set(d.ownKeys ?? []);
    for (const [name, list] of Object.entries(d.allSecrets ?? {})) {
      if (ownKeys.has(name)) continue;
      for (const s of list) {
        if (!s || own.has(s) || !passes(provider, input, { secrets: [s] })) continue;
        const text = `the signature matches the secret configured for "${name}" (${maskSecret(s)}), not a ${provider.name} secret: the sender signs with that one (test vs live mode? another endpoint?).`;
        if (found(text)) break search;
      }
    }
    if (provider.usesUrl) {
      for (const v of urlVariants(input.url, input.headers)) {
        if (!passes(provider, input, { url: v.value })) continue;
        const text = `the signature matches the URL ${v.value} (${v.label}) rather than ${input.url}: ${provider.name} signs the exact URL configured on its side; pass that one with --url.`;
        if (found(text)) break search;
      }
    }
  }

  const bytes = `Raw body: ${input.body.length} bytes, sha256 ${sha256Hex(input.body)} (compare with the sender's).`;
  if (findings.length === 0) {
    const urls = provider.usesUrl ? ', URL scheme/port/slash/query order' : '';
    return `None of the usual culprits explains it (re-serialized JSON, newline changes, compression, secret form, other configured secrets${urls}): the secret is probably not the one the sender uses, or the body was altered. ${bytes}`;
  }
  return [`Likely cause: ${findings[0]}`, ...findings.slice(1).map((f) => `Also: ${f}`), bytes].join('\n');
}
