/** Never print a secret whole: keep only the last 4 characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 4) return '****';
  return '*'.repeat(Math.min(8, secret.length - 4)) + secret.slice(-4);
}
