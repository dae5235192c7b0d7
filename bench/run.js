// `npm run bench`: prints figures and ratios. Not part of `npm test`; nothing here asserts.
import { benchCapture, printCapture } from './capture.js';

const only = process.argv[2];
const sections = [
  ['capture', async () => printCapture(await benchCapture())],
];
for (const [name, run] of sections) {
  if (only && only !== name) continue;
  await run();
  console.log('');
}
