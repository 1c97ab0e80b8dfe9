import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProbeAbandonment } from './abandonment';

describe('ProbeAbandonment', () => {
  it('runs its listeners once, as AbortController.abort() does; one added after is not run', () => {
    const abandonment = new ProbeAbandonment();
    const ran: string[] = [];
    abandonment.addEventListener('abort', () => ran.push('first'));
    abandonment.addEventListener('abort', () => ran.push('second'));
    assert.equal(abandonment.aborted, false);
    abandonment.abandon();
    abandonment.abandon();
    abandonment.addEventListener('abort', () => ran.push('late'));
    assert.equal(abandonment.aborted, true);
    assert.deepEqual(ran, ['first', 'second']);
  });

  it('a throwing listener does not keep the others from running, and its error is thrown later, not swallowed', (t) => {
    const abandonment = new ProbeAbandonment();
    const ran: string[] = [];
    abandonment.addEventListener('abort', () => {
      throw new Error('listener broke');
    });
    abandonment.addEventListener('abort', () => ran.push('after'));
    const later: (() => void)[] = [];
    t.mock.method(process, 'nextTick', (callback: () => void) => void later.push(callback));
    abandonment.abandon();
    t.mock.restoreAll();
    assert.deepEqual(ran, ['after']);
    assert.equal(later.length, 1);
    assert.throws(() => later[0]!(), /listener broke/);
  });
});
