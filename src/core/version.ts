import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** hookdev's own version, from package.json (for --version, HAR's creator, User-Agent). */
export const VERSION: string = (require('../../package.json') as { version: string }).version;
