// Issue: foundation. `hookdev --help` must start within 2x the time of `node -e 0` (lazy imports).
import { spawnSync } from 'node:child_process';
import { BIN } from './procs.js';

function median(args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

export async function benchStartup({ runs = 21 } = {}) {
  median(['-e', '0'], 3); // warm the file cache
  median([BIN, '--help'], 3);
  const node = median(['-e', '0'], runs);
  const help = median([BIN, '--help'], runs);
  const version = median([BIN, '--version'], runs);
  const listHelp = median([BIN, 'list', '--help'], runs);
  return { node, help, version, listHelp };
}

export function printStartup(r) {
  console.log('start-up (median of 21 runs, whole process)');
  console.log(`  node -e 0              ${r.node.toFixed(0)} ms`);
  console.log(`  hookdev --help         ${r.help.toFixed(0)} ms   ${(r.help / r.node).toFixed(2)}x node (goal <= 2x)`);
  console.log(`  hookdev --version      ${r.version.toFixed(0)} ms`);
  console.log(`  hookdev list --help    ${r.listHelp.toFixed(0)} ms`);
}
