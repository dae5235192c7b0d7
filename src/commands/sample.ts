import type { ConfigFile } from '../config/file.js';
import { collectSecrets } from '../config/secrets.js';
import { parseRequestHeader } from '../core/header-validate.js';
import type { HeaderList } from '../core/types.js';
import { parseSetArg, type SetOverride } from '../send/json-edit.js';
import type { GenericDefinition } from '../signatures/types.js';

/** The flags `send` and `audit` share: which sample to build and sign, how to change it, where the history is. */
export interface SampleFlags {
  provider?: string;
  secret?: string;
  event?: string;
  bodyFile?: string;
  set?: string[];
  header?: string[];
  db?: string;
  json?: boolean;
}

/** What those flags become, with the secrets and generic schemes of the environment and config file. */
export interface SampleOptions {
  provider: string | undefined;
  secret: string | undefined;
  event: string | undefined;
  bodyFile: string | undefined;
  overrides: SetOverride[];
  headers: HeaderList;
  db: string | undefined;
  json: boolean;
  configured: Record<string, string[]>;
  generic: GenericDefinition[];
}

/** Pure: throws UsageError on a bad `--set` or `-H`. */
export function parseSampleOptions(flags: SampleFlags, env: NodeJS.ProcessEnv, file: ConfigFile): SampleOptions {
  return {
    provider: flags.provider,
    secret: flags.secret,
    event: flags.event,
    bodyFile: flags.bodyFile,
    overrides: (flags.set ?? []).map(parseSetArg),
    headers: (flags.header ?? []).map((h) => parseRequestHeader('-H', h)),
    db: flags.db,
    json: Boolean(flags.json),
    configured: collectSecrets([], env, file.secrets ?? {}),
    generic: file.generic ?? [],
  };
}
