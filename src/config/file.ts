import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { envValue } from './env.js';
import { userConfigDir } from './paths.js';

/** A forwarding route: requests matching every given field go to `to`. */
export interface RouteConfig {
  pathPrefix?: string;
  provider?: string;
  eventType?: string;
  to: string;
}

/** A path-prefix → provider hint, for requests whose headers do not say who sent them. */
export interface ProviderHint {
  pathPrefix: string;
  provider: string;
}

/** The shape of `hookdev.config.json`. Every field is optional. */
export interface ConfigFile {
  /** Secrets by provider id: a string or a list (rotation, test + live). */
  secrets?: Record<string, string | string[]>;
  /** Provider hints by path prefix. */
  providers?: ProviderHint[];
  /** Generic HMAC schemes, each usable as a provider id by its name. */
  generic?: Array<Record<string, unknown>>;
  /** Default forward targets. */
  forwardTo?: string[];
  /** Routing rules for forwarding. */
  routes?: RouteConfig[];
  db?: string;
  port?: number;
}

export interface LoadedConfig {
  file: ConfigFile;
  /** Where it was read from, or null when there is none. */
  path: string | null;
}

/** `HOOKDEV_CONFIG`, else `hookdev.config.json` in the working directory, else the user config dir. */
export function findConfigFile(cwd: string, env: NodeJS.ProcessEnv): string | null {
  const explicit = envValue(env, 'HOOKDEV_CONFIG');
  if (explicit) return explicit;
  const candidates = [join(cwd, 'hookdev.config.json'), join(userConfigDir(env), 'hookdev.config.json')];
  return candidates.find((p) => existsSync(p)) ?? null;
}

export function loadConfigFile(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = findConfigFile(cwd, env);
  if (!path) return { file: {}, path: null };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`,
      'fix the file or point HOOKDEV_CONFIG elsewhere');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  return { file: parsed as ConfigFile, path };
}
