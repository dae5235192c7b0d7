import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { isHttpUrl } from '../core/http-url.js';
import type { GenericDefinition } from '../signatures/types.js';
import { envValue } from './env.js';
import { parseGenericSchemes } from './generic.js';
import { userConfigDir } from './paths.js';
import { fileProblem } from '../core/file-error.js';

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

/** `hookdev.config.json`, checked (parseConfigFile). Every field is optional. */
export interface ConfigFile {
  /** Secrets by provider id: a string or a list (rotation, test + live). */
  secrets?: Record<string, string | string[]>;
  /** Provider hints by path prefix. */
  providers?: ProviderHint[];
  /** Generic HMAC schemes, each usable as a provider id by its name. */
  generic?: GenericDefinition[];
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
    throw new ConfigError(`cannot read config file ${path}: ${fileProblem(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`,
      'fix the file or point HOOKDEV_CONFIG elsewhere');
  }
  try {
    return { file: parseConfigFile(parsed), path };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`config file ${path}: ${err.message}`, err.hint ?? 'fix the file or point HOOKDEV_CONFIG elsewhere');
    throw err;
  }
}

const FIELDS = ['secrets', 'providers', 'generic', 'forwardTo', 'routes', 'db', 'port'] as const;

/** Check a parsed config file once, here; a mistake names its field path (`forwardTo[1]: expected a URL`). */
export function parseConfigFile(raw: unknown): ConfigFile {
  const o = record(raw, 'the file');
  for (const key of Object.keys(o)) {
    if (key !== '$schema' && !(FIELDS as readonly string[]).includes(key)) {
      throw new ConfigError(`${key}: unknown field`, `known fields: ${FIELDS.join(', ')}`);
    }
  }
  const file: ConfigFile = {};
  if (o.secrets !== undefined) file.secrets = secrets(o.secrets);
  if (o.providers !== undefined) {
    file.providers = list(o.providers, 'providers').map((p, i) => {
      const h = record(p, `providers[${i}]`);
      return { pathPrefix: text(h.pathPrefix, `providers[${i}].pathPrefix`), provider: text(h.provider, `providers[${i}].provider`).toLowerCase() };
    });
  }
  if (o.generic !== undefined) file.generic = parseGenericSchemes(o.generic);
  if (o.forwardTo !== undefined) file.forwardTo = list(o.forwardTo, 'forwardTo').map((t, i) => url(t, `forwardTo[${i}]`));
  if (o.routes !== undefined) {
    file.routes = list(o.routes, 'routes').map((r, i) => {
      const where = `routes[${i}]`;
      const route = record(r, where);
      const out: RouteConfig = { to: url(route.to, `${where}.to`) };
      for (const k of ['pathPrefix', 'provider', 'eventType'] as const) {
        if (route[k] !== undefined) out[k] = text(route[k], `${where}.${k}`);
      }
      return out;
    });
  }
  if (o.db !== undefined) file.db = text(o.db, 'db');
  if (o.port !== undefined) {
    if (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 0 || o.port > 65535) {
      throw new ConfigError(`port: expected a whole number from 0 to 65535, got ${JSON.stringify(o.port)}`);
    }
    file.port = o.port;
  }
  return file;
}

function record(v: unknown, where: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${where}: expected an object`);
  return v as Record<string, unknown>;
}

function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(`${where}: expected a list`);
  return v;
}

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new ConfigError(`${where}: expected a non-empty string`);
  return v;
}

function url(v: unknown, where: string): string {
  if (typeof v !== 'string' || !isHttpUrl(v)) throw new ConfigError(`${where}: expected a URL like http://localhost:3000/webhooks`);
  return v;
}

function secrets(v: unknown): Record<string, string | string[]> {
  const o = record(v, 'secrets');
  const out: Record<string, string | string[]> = {};
  for (const [provider, value] of Object.entries(o)) {
    const where = `secrets.${provider}`;
    out[provider] = Array.isArray(value) ? value.map((s, i) => text(s, `${where}[${i}]`)) : text(value, where);
  }
  return out;
}
