/**
 * The signature layer: one provider per file under providers/, all pure `node:crypto`, no I/O, clock passed in.
 * Schemes and the SDK behaviours we follow: shared/docs/signatures.md.
 *
 * - `analyze(input)` → `Verdict`: provider (forced or detected), event type/id, valid | invalid | unsigned |
 *   no-secret, a reason a person can act on, and on `no_match` a diagnosis of the usual culprits.
 * - `getProvider(name, generic?)` → `Provider` (`detect`, `verify`, `sign`, `eventInfo`).
 * - Misuse throws: an empty secret is a `TypeError`; `sign` with a secret of an unusable form (a `whpk_` public
 *   key, a Discord key that is not a private key, a Twilio/Square request without an absolute URL) throws a
 *   `UsageError`. Nothing a sender controls ever throws.
 * - `tolerance` 0 (or negative / non-finite) disables the replay-window check, as stripe-node's `tolerance: 0`.
 */
export { analyze, secretEnvName, secretsFor } from './analyze.js';
export { diagnose, type DiagnoseInput } from './diagnose.js';
export { canonicalName, detectProvider, getProvider, providerNames, recognizeProvider } from './registry.js';
export { DEFAULT_GENERIC, genericProvider } from './providers/generic.js';
export { discordPrivateKey } from './providers/discord.js';
export { withBodySha256 } from './providers/twilio.js';
export { zoomEncryptedToken } from './providers/zoom.js';
export type * from './types.js';
