import assert from 'node:assert/strict';
import { Backoff } from '../../../client/backoff';
import { SendPacer } from '../../../client/send-pacer';

describe('client: reconnect backoff', () => {
  it('doubles from the initial delay up to the maximum, with half of each step random', () => {
    const lowest = new Backoff({ initialDelayMs: 500, maxDelayMs: 4000 }, () => 0);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => lowest.next()), [250, 500, 1000, 2000, 2000]);
    const highest = new Backoff({ initialDelayMs: 500, maxDelayMs: 4000 }, () => 1);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => highest.next()), [500, 1000, 2000, 4000, 4000]);
  });

  it('starts over after reset, and defaults to 500 ms .. 30 s', () => {
    const backoff = new Backoff({}, () => 1);
    for (let i = 0; i < 20; i++) backoff.next();
    assert.equal(backoff.next(), 30_000);
    backoff.reset();
    assert.equal(backoff.next(), 500);
  });

  it('refuses delays that make no sense', () => {
    assert.throws(() => new Backoff({ initialDelayMs: 0 }), RangeError);
    assert.throws(() => new Backoff({ initialDelayMs: 1000, maxDelayMs: 10 }), RangeError);
  });
});

describe('client: send pacer', () => {
  function pacerAt(burst: number, perSecond: number): { pacer: SendPacer; advance: (ms: number) => void } {
    let now = 0;
    return { pacer: new SendPacer({ burst, perSecond }, () => now), advance: (ms) => (now += ms) };
  }

  it('allows a burst, then says how long until the next token', () => {
    const { pacer, advance } = pacerAt(3, 10);
    for (let i = 0; i < 3; i++) {
      assert.equal(pacer.waitMs(), 0);
      pacer.consume();
    }
    assert.equal(pacer.waitMs(), 100);
    assert.equal(pacer.tryTake(), false);
    advance(100);
    assert.equal(pacer.tryTake(), true);
    advance(10_000);
    pacer.reset();
    for (let i = 0; i < 3; i++) pacer.consume();
    assert.equal(pacer.waitMs(), 100, 'never more than the burst');
  });

  it('can run into debt for frames that must go, and makes the next wait longer', () => {
    const { pacer } = pacerAt(1, 10);
    pacer.consume();
    pacer.consume();
    assert.equal(pacer.waitMs(), 200);
  });

  it('halves its pace and empties the bucket when the server says RATE_LIMITED', () => {
    const { pacer, advance } = pacerAt(10, 10);
    pacer.slowDown();
    assert.equal(pacer.waitMs(), 200);
    advance(200);
    assert.equal(pacer.tryTake(), true);
    for (let i = 0; i < 10; i++) pacer.slowDown();
    assert.equal(pacer.waitMs(), 2000, 'never slower than one frame per two seconds');
  });

  it('refuses a limit that could never send', () => {
    assert.throws(() => new SendPacer({ burst: 0, perSecond: 1 }), RangeError);
    assert.throws(() => new SendPacer({ burst: 1, perSecond: 0 }), RangeError);
  });
});
