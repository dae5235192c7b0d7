import { Chalk, type ChalkInstance } from 'chalk';

/** Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function makeChalk(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const off = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || !stream.isTTY;
  return new Chalk({ level: off ? 0 : 1 });
}
