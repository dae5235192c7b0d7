import { UsageError } from '../../core/errors.js';
import { maskSecret } from '../../core/secrets.js';
import { getHeader, hasHeader, setHeader } from '../../core/headers.js';
import type { KeyObject } from 'node:crypto';
import { edSign, edVerify, privateKeyFromPkcs8, privateKeyFromSeed, publicKeyFromRaw, rawPublicKey } from '../lib/ed25519.js';
import { decodeHex, decodeHexLikeDiscord, isHex } from '../lib/encoding.js';
import { parseJson, textField } from '../lib/json.js';
import { assertSecret, assertSecrets, fail, missingHeader, noMatch, ok } from '../lib/result.js';
import type { Provider, SignInput, VerifyInput, VerifyResult } from '../types.js';

const SIG = 'X-Signature-Ed25519';
const TS = 'X-Signature-Timestamp';

const INTERACTION_TYPES: Record<string, string> = {
  '1': 'PING',
  '2': 'APPLICATION_COMMAND',
  '3': 'MESSAGE_COMPONENT',
  '4': 'APPLICATION_COMMAND_AUTOCOMPLETE',
  '5': 'MODAL_SUBMIT',
};

/** Where a user finds the key verification needs; said with every secret problem. */
const WHERE = 'Discord Developer Portal → your app → General Information → Public Key';

/** The application's public key from its 64 hex characters (any case, as the SDK reads hex); null for any other text. */
function publicKeyOf(secret: string): KeyObject | null {
  return /^[0-9a-fA-F]{64}$/.test(secret) ? publicKeyFromRaw(decodeHex(secret)!) : null;
}

/**
 * Why `secret` is not a Discord public key, saying what was given by its length only (never any of the key: it may
 * be a private one), or null when it is one. Not followed by where to find the right one (see `discordKeyProblem`).
 */
function keyShape(secret: string): string | null {
  if (publicKeyOf(secret)) return null;
  const expected = "Discord's public key is 32 bytes (64 hex characters)";
  if (/^[0-9a-fA-F]{128}$/.test(secret)) {
    // A libsodium/tweetnacl/Go secret key is seed ‖ public key: a test keypair's, or the wrong field pasted.
    const bytes = Buffer.from(secret, 'hex');
    const priv = privateKeyFromSeed(bytes.subarray(0, 32));
    if (priv && rawPublicKey(priv).equals(bytes.subarray(32))) {
      return `this looks like an Ed25519 secret key (64 bytes: seed + public key, its second half); ${expected}`;
    }
    return `got 128 hex characters (64 bytes, the size of an Ed25519 secret key or signature, not of a public key); ${expected}`;
  }
  const what = /^[0-9a-fA-F]+$/.test(secret) ? 'hex characters' : secret.trim() !== secret ? 'characters, with white space around them' : 'characters, not all hex';
  return `the Discord secret must be the application's public key, 64 hex characters (got ${secret.length} ${what})`;
}

/** `keyShape` and where to find the right key: one line, for start-up checks and verdicts. */
export function discordKeyProblem(secret: string): string | null {
  const shape = keyShape(secret);
  return shape === null ? null : `${shape}: ${WHERE}`;
}

/**
 * The "secret" is the application's public key (64 hex characters). discord-interactions' verifyKey:
 * message = timestamp bytes ‖ body, no age check; hex is read leniently (uppercase fine).
 */
function verify(input: VerifyInput): VerifyResult {
  assertSecrets('discord', input.secrets);
  const sig = getHeader(input.headers, SIG);
  const ts = getHeader(input.headers, TS);
  // The middleware answers 401 when either header is missing or empty.
  if (!sig) return sig === undefined ? missingHeader(SIG) : fail('malformed_header', `${SIG} is empty`);
  if (!ts) return ts === undefined ? missingHeader(TS) : fail('malformed_header', `${TS} is empty`);
  const signature = decodeHexLikeDiscord(sig);
  if (signature === null || signature.length !== 64) {
    return fail('malformed_header', `${SIG} is not a 64-byte hex signature (got ${sig.length} characters)`);
  }
  const warnings = isHex(sig) ? [] : [`${SIG} is not plain hex; discord-interactions reads it leniently`];
  const keys = input.secrets.map(publicKeyOf);
  // Each unusable secret named by its position and length only ("secret 2 of 3: …"), then where to find the key.
  const n = input.secrets.length;
  const problems = input.secrets.flatMap((s, i) => (keys[i] ? [] : [`${n > 1 ? `secret ${i + 1} of ${n}: ` : ''}${keyShape(s)}`]));
  if (keys.every((k) => k === null)) return fail('bad_secret', `${problems.join('; ')}: ${WHERE}`);
  const message = Buffer.concat([Buffer.from(ts, 'utf8'), input.body]);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key && edVerify(key, message, signature)) return ok(i, warnings);
  }
  return noMatch(1, keys.filter(Boolean).length, warnings, problems.length ? `; ignored ${problems.join('; ')}` : '');
}

/**
 * Signing needs the private key: a 32-byte seed as 64 hex characters, a 64-byte tweetnacl/libsodium secret
 * key as 128 hex characters, or a PKCS#8 key (PEM, or DER as hex).
 */
export function discordPrivateKey(secret: string): KeyObject {
  const text = secret.trim();
  let key: KeyObject | null = null;
  if (text.startsWith('-----BEGIN')) key = privateKeyFromPkcs8(text);
  else if (isHex(text)) {
    const bytes = Buffer.from(text, 'hex');
    key = bytes.length === 32 || bytes.length === 64 ? privateKeyFromSeed(bytes) : privateKeyFromPkcs8(bytes);
  }
  if (!key) {
    throw new UsageError(
      `discord: cannot sign with ${maskSecret(secret)}: give the Ed25519 private key as a 64-hex seed, a 128-hex secret key, or PKCS#8 (PEM or hex DER)`,
    );
  }
  return key;
}

function sign(input: SignInput) {
  assertSecret('discord', input.secret);
  const key = discordPrivateKey(input.secret);
  const ts = String(Math.floor(input.now));
  const signature = edSign(key, Buffer.concat([Buffer.from(ts, 'utf8'), input.body])).toString('hex');
  return setHeader(setHeader(input.headers, TS, ts), SIG, signature);
}

export const discord: Provider = {
  name: 'discord',
  detect: (headers) => hasHeader(headers, SIG),
  verify,
  sign,
  eventInfo(_headers, body) {
    const json = parseJson(body);
    // Webhook events carry `event.type`; interactions only a numeric `type`.
    const type = textField(json, 'type');
    const eventType = textField(json, 'event', 'type') ?? (type === null ? null : (INTERACTION_TYPES[type] ?? type));
    return { eventType, eventId: textField(json, 'id') };
  },
  secretForKey: () => null,
  secretProblem: discordKeyProblem,
};
