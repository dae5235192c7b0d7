import { describe, expect, it } from 'vitest';
import { afterAnswers, afterTurn, beforeCommit, thisTurn } from '../../../src/core/turn.js';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('the order of work in one turn', () => {
  it('beforeCommit work runs ahead of the turn’s commit even when the commit was queued first', async () => {
    const order: string[] = [];
    thisTurn(() => order.push('commit'));
    afterAnswers(() => order.push('after answers'));
    beforeCommit(() => order.push('frames'));
    afterTurn('log', () => order.push('log'));
    afterTurn('commit', () => order.push('follow-ups'));
    await settle();
    expect(order).toEqual(['frames', 'commit', 'after answers', 'follow-ups', 'log']);
  });

  it('beforeCommit work runs once in the check phase when no commit is due', async () => {
    const order: string[] = [];
    beforeCommit(() => order.push('a'));
    beforeCommit(() => order.push('b'));
    setImmediate(() => order.push('immediate'));
    await settle();
    expect(order).toEqual(['a', 'b', 'immediate']);
  });

  it('a failing beforeCommit callback does not keep the commit from running', async () => {
    const order: string[] = [];
    const errors: unknown[] = [];
    const onError = (e: unknown): void => void errors.push(e);
    process.on('uncaughtException', onError);
    try {
      thisTurn(() => order.push('commit'));
      beforeCommit(() => {
        throw new Error('boom');
      });
      await settle();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(order).toEqual(['commit']);
  });
});
