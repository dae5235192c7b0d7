/**
 * Errors carry a category; one handler at the top of the CLI turns them into a message and exit code.
 * Classify with instanceof, never by message text.
 */
export class HookdevError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** The user's call was wrong (bad flag, unknown provider): exit 2. */
export class UsageError extends HookdevError {}

/** The configuration (file, env) is wrong: exit 2. */
export class ConfigError extends HookdevError {}

/** The operation ran and failed (invalid signature, target unreachable, not found): exit 1. */
export class OperationError extends HookdevError {}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError) return 2;
  return 1;
}
