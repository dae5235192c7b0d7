import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { useInput, type Key } from 'ink';
import type { Controller } from './controller.js';

export interface KeyInputProps {
  controller: Controller;
  /** Told after each commit of the suspended flag (the runner waits for it before handing the terminal over). */
  onSuspendCommitted?: (suspended: boolean) => void;
}

/**
 * Ink's part in the live terminal: reading keys (its input parser splits escape sequences, pastes and ctrl keys) and
 * raw mode, switched off while $EDITOR owns the terminal. It renders nothing: the frame writer draws the screen.
 * It re-renders only when `suspended` flips, not on every change of the snapshot.
 */
export function KeyInput({ controller, onSuspendCommitted }: KeyInputProps) {
  const suspended = useSyncExternalStore(controller.subscribe, () => controller.getSnapshot().suspended);
  // Stable: an inline handler would make Ink re-subscribe to stdin on every render.
  const onKey = useCallback((input: string, key: Key) => controller.key(input, key), [controller]);
  useInput(onKey, { isActive: !suspended });
  useEffect(() => onSuspendCommitted?.(suspended), [suspended, onSuspendCommitted]);
  return null;
}
