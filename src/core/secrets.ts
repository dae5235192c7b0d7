/** Never print a secret whole: keep only the last 4 characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 4) return '****';
  return '*'.repeat(Math.min(8, secret.length - 4)) + secret.slice(-4);
}

/** Env name for a provider's secret: `standard-webhooks` → `HOOKDEV_SECRET_STANDARD_WEBHOOKS`. */
export function secretEnvName(provider: string): string {
  return `HOOKDEV_SECRET_${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
