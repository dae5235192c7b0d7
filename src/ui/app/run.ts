import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayActions, osc52 } from './actions.js';
import type { LiveLoop } from './loop.js';
import type { PreparedUi } from './start.js';

/** The actions (replay, export, verify, $EDITOR): loaded after the first frame, while keys are already served. */
export function attachActions({ o, stdout, env, browser, controller }: PreparedUi, loop: LiveLoop): void {
  controller.attachActions(
    new ReplayActions({
      store: o.store,
      browser,
      events: o.events ?? undefined,
      secrets: o.secrets,
      generic: o.generic,
      targets: o.targets,
      handOff: loop.handOff,
      clipboard: (text) => stdout.write(osc52(text)),
      outDir: join(tmpdir(), 'hookdev'),
      env,
    }),
  );
}
