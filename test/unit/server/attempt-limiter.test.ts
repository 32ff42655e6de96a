import assert from 'node:assert/strict';
import { MemoryAttemptLimiter } from '../../../server';

describe('server: failed-attempt limiter', () => {
  it('waits out a sliding window once a key has had its failures', async () => {
    let now = 1_000_000;
    const limiter = new MemoryAttemptLimiter([{ prefix: 'k:', maxFailures: 3, windowMs: 60_000 }], () => now);
    for (let i = 0; i < 3; i++) {
      assert.equal(await limiter.retryAfterMs(['k:a']), 0);
      await limiter.fail(['k:a']);
      now += 1000;
    }
    assert.equal(await limiter.retryAfterMs(['k:a']), 57_000, 'until the first failure is a minute old');
    assert.equal(await limiter.retryAfterMs(['k:b']), 0, 'other keys are free');
    now += 57_000;
    assert.equal(await limiter.retryAfterMs(['k:a']), 0);
    await limiter.fail(['k:a']);
    assert.equal(await limiter.retryAfterMs(['k:a']), 1000, 'the two later failures are still in the window');
  });

  it('refuses a key no rule covers', async () => {
    await assert.rejects(new MemoryAttemptLimiter([]).fail(['x']), /no attempt rule/);
  });
});
