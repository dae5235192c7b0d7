/** A terminal that can draw a full screen: not TERM=dumb (Emacs' shell, some IDE consoles), which moves no cursor. */
export function canDrawScreen(env: NodeJS.ProcessEnv): boolean {
  return env.TERM !== 'dumb';
}

/** `listen` shows the UI only for a person at a terminal: not with --no-ui/--json, not piped, not in CI, not TERM=dumb. */
export function shouldRunUi(
  flags: { ui: boolean; json: boolean },
  tty: { stdout: boolean; stdin: boolean },
  env: NodeJS.ProcessEnv,
): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return flags.ui && !flags.json && tty.stdout && tty.stdin && !ci && canDrawScreen(env);
}
