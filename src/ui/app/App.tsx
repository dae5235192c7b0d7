import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useInput, useStdout, type Key } from 'ink';
import type { Controller } from './controller.js';
import { Screen } from './Screen.js';

export interface AppProps {
  controller: Controller;
  clock?: () => number;
  /** Told after each commit while suspended (the runner waits for it before handing the terminal over). */
  onSuspendCommitted?: (suspended: boolean) => void;
}

/**
 * The whole UI as an Ink app: one stable input handler, the terminal size, a 1 s clock for ages in the header. The live
 * terminal uses the frame writer and key reader instead (loop.ts: Ink's renderer costs 10-30 ms a frame at 120x40);
 * this binding draws the same lines, for component tests and the benchmark's comparison.
 */
export function App({ controller, clock = Date.now, onSuspendCommitted }: AppProps) {
  const snap = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const { stdout } = useStdout();
  const [now, setNow] = useState(clock());
  // Stable: an inline handler would make Ink re-subscribe to stdin on every render.
  const onKey = useCallback((input: string, key: Key) => controller.key(input, key), [controller]);
  useInput(onKey, { isActive: !snap.suspended });
  useEffect(() => {
    const onResize = () => controller.resize(stdout.columns || 80, stdout.rows || 24);
    onResize();
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout, controller]);
  useEffect(() => {
    if (!snap.live) return;
    const t = setInterval(() => setNow(clock()), 1000);
    return () => clearInterval(t);
  }, [snap.live !== null, clock]);
  useEffect(() => onSuspendCommitted?.(snap.suspended), [snap.suspended, onSuspendCommitted]);
  return <Screen snap={snap} detailLines={snap.view === 'detail' ? controller.detailContent() : []} now={now} />;
}
