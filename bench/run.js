// `npm run bench`: prints figures and ratios. Not part of `npm test`; nothing here asserts.
import { benchCapture, printCapture } from './capture.js';
import { benchHistory, printHistory } from './history.js';
import { loadToolName } from './load.js';

const only = process.argv[2];
console.log(`load generator for every section: ${loadToolName()}; all processes share this machine's cores\n`);
const sections = [
  ['startup', async () => { const m = await import('./startup.js'); m.printStartup(await m.benchStartup()); }],
  ['capture', async () => printCapture(await benchCapture())],
  ['history', async () => printHistory(await benchHistory())],
  ['verify', async () => { const m = await import('./verify.js'); m.printVerify(await m.benchVerify()); }],
  ['forward', async () => { const m = await import('./forward.js'); m.printForward(await m.benchForward()); }],
  ['relay', async () => { const m = await import('./relay.js'); m.printRelay(await m.benchRelay()); }],
  ['send', async () => { const m = await import('./send.js'); m.printSend(await m.benchSend()); }],
  ['relay-redis', async () => { const m = await import('./relay-redis.js'); m.printRelayRedis(await m.benchRelayRedis()); }],
  ['gc', async () => { const m = await import('./gc.js'); m.printGc(await m.benchGc()); }],
  ['ui', async () => { const m = await import('./ui.js'); m.printUi(await m.benchUi()); }],
  ['ceilings', async () => { const m = await import('./ceilings.js'); m.printCeilings(await m.benchCeilings()); }],
];
for (const [name, run] of sections) {
  if (only && only !== name) continue;
  await run();
  console.log('');
}
