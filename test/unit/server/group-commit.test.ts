import assert from 'node:assert/strict';
import { GroupCommit } from '../../../server/store/group-commit';

/** A commit function that records its batches and, when `hold` is set, finishes only when released. */
function recorder(fails: (item: string) => boolean = () => false) {
  const batches: string[][] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const commit = async (items: readonly string[]): Promise<string[]> => {
    batches.push([...items]);
    if (hold) await new Promise<void>((resolve) => (release = resolve));
    if (items.some(fails)) throw new Error(`bad batch ${items.join(',')}`);
    return items.map((item) => `${item}!`);
  };
  return {
    batches,
    commit,
    holdCommits: () => (hold = true),
    releaseCommit: () => {
      hold = false;
      release?.();
    },
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('server: group commit', () => {
  it('commits the items of one turn in one batch, resolving each with its own result', async () => {
    const { batches, commit } = recorder();
    const group = new GroupCommit(commit, { windowMs: 0, maxBatch: 100 });
    const results = await Promise.all(['a', 'b', 'c'].map((item) => group.add(item)));
    assert.deepEqual(results, ['a!', 'b!', 'c!']);
    assert.deepEqual(batches, [['a', 'b', 'c']]);
  });

  it('resolves nothing before its commit has finished, and gathers what arrives meanwhile into the next batch', async () => {
    const { batches, commit, holdCommits, releaseCommit } = recorder();
    const group = new GroupCommit(commit, { windowMs: 0, maxBatch: 100 });
    holdCommits();
    const settled: string[] = [];
    const first = group.add('a').then((result) => settled.push(result));
    await turn();
    assert.deepEqual(batches, [['a']], 'the batch started');
    const later = [group.add('b'), group.add('c')].map((pending) => pending.then((result) => settled.push(result)));
    await turn();
    await turn();
    assert.deepEqual(settled, [], 'not resolved while its commit runs');
    assert.deepEqual(batches, [['a']], 'one commit at a time');
    releaseCommit();
    await Promise.all([first, ...later]);
    assert.deepEqual(settled, ['a!', 'b!', 'c!']);
    assert.deepEqual(batches, [['a'], ['b', 'c']]);
  });

  it('keeps arrival order across batches of at most maxBatch', async () => {
    const { batches, commit } = recorder();
    const group = new GroupCommit(commit, { windowMs: 60_000, maxBatch: 2 });
    const order: string[] = [];
    const all = ['a', 'b', 'c', 'd', 'e'].map((item) => group.add(item).then((result) => order.push(result)));
    await group.flush();
    await Promise.all(all);
    assert.deepEqual(batches, [['a', 'b'], ['c', 'd'], ['e']]);
    assert.deepEqual(order, ['a!', 'b!', 'c!', 'd!', 'e!']);
  });

  it('rejects only the item that fails; the rest of its batch commits, in order', async () => {
    const { batches, commit } = recorder((item) => item === 'bad');
    const group = new GroupCommit(commit, { windowMs: 0, maxBatch: 100 });
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((item) => group.add(item)));
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : `rejected: ${(outcome.reason as Error).message}`)),
      ['a!', 'rejected: bad batch bad', 'c!'],
    );
    assert.deepEqual(batches, [['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('commits after a quiet spell at the end of the turn, and within the window of the last commit only when it ends or on flush', async () => {
    const { batches, commit } = recorder();
    const group = new GroupCommit(commit, { windowMs: 60_000, maxBatch: 100 });
    assert.equal(await group.add('a'), 'a!', 'the first item waits for no window');
    let second: string | undefined;
    const pending = group.add('b').then((result) => (second = result));
    await turn();
    await turn();
    assert.equal(second, undefined, 'b waits for the window of the commit of a');
    await group.flush();
    await pending;
    assert.equal(second, 'b!');
    assert.deepEqual(batches, [['a'], ['b']]);
  });

  it('commits a full batch without waiting for the window', async () => {
    const { batches, commit } = recorder();
    const group = new GroupCommit(commit, { windowMs: 60_000, maxBatch: 2 });
    await group.add('a');
    const results = await Promise.all([group.add('b'), group.add('c')]);
    assert.deepEqual(results, ['b!', 'c!']);
    assert.deepEqual(batches, [['a'], ['b', 'c']]);
  });

  it('refuses a negative window or an empty batch size', () => {
    const { commit } = recorder();
    assert.throws(() => new GroupCommit(commit, { windowMs: -1, maxBatch: 1 }), RangeError);
    assert.throws(() => new GroupCommit(commit, { windowMs: 0, maxBatch: 0 }), RangeError);
  });
});
