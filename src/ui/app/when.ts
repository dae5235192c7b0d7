/** `listen` shows the UI only for a person at a terminal: not with --no-ui/--json, not piped, not in CI. */
export function shouldRunUi(
  flags: { ui: boolean; json: boolean },
  tty: { stdout: boolean; stdin: boolean },
  env: NodeJS.ProcessEnv,
): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return flags.ui && !flags.json && tty.stdout && tty.stdin && !ci;
}
