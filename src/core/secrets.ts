/** Never print a secret whole: keep only the last 4 characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 4) return '****';
  return '*'.repeat(Math.min(8, secret.length - 4)) + secret.slice(-4);
}

/** Env name for a provider's secret: `standard-webhooks` → `HOOKDEV_SECRET_STANDARD_WEBHOOKS`. */
export function secretEnvName(provider: string): string {
  return `HOOKDEV_SECRET_${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Where a Discord signing key comes from (send, replay --resign), and why not from where listen's key is. */
export const DISCORD_SIGNING_HINT =
  'discord signs with an Ed25519 private key given by --secret: a 64-hex seed, a 128-hex secret key or a PKCS#8 PEM ' +
  '(HOOKDEV_SECRET_DISCORD and "secrets.discord" hold the public key listen and verify check with, so they are not used to sign)';
