import { homedir } from 'node:os';
import { join } from 'node:path';
import { envValue } from './env.js';

/** The platform's usual place for application data (XDG on Linux). */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') {
    return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'hookdev');
  }
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'hookdev');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'hookdev');
}

/** The platform's usual place for user configuration. */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') {
    return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'hookdev');
  }
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Preferences', 'hookdev');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hookdev');
}

/** `--db`, else `HOOKDEV_DB`, else `db` in the config file, else `hookdev.db` in the user data dir (as `port`: flag, variable, file). */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, fileDb?: string): string {
  return flag || envValue(env, 'HOOKDEV_DB') || fileDb || join(userDataDir(env), 'hookdev.db');
}
