import assert from 'node:assert/strict';
import { MutedChannels, type KeyValueStore } from '../../../extension/model/muted-channels';

function memoryStore(initial: Record<string, unknown> = {}): KeyValueStore & { values: Record<string, unknown> } {
  const values = { ...initial };
  return {
    values,
    get: <T>(key: string) => values[key] as T | undefined,
    update: async (key, value) => {
      values[key] = value;
    },
  };
}

describe('muted channels', () => {
  it('are muted per server and channel, and unmuted again', async () => {
    const store = memoryStore();
    const muted = new MutedChannels(store);
    let changes = 0;
    muted.onDidChange(() => changes++);
    await muted.setMuted('ws://a', 'random', true);
    assert.equal(muted.isMuted('ws://a', 'random'), true);
    assert.equal(muted.isMuted('ws://b', 'random'), false, 'another server has its own #random');
    assert.equal(muted.isMuted('ws://a', 'build'), false);
    assert.equal(muted.isMuted(undefined, 'random'), false, 'no server, nothing muted');
    // Kept in the store, so another window (a new MutedChannels on the same state) agrees.
    assert.equal(new MutedChannels(store).isMuted('ws://a', 'random'), true);
    await muted.setMuted('ws://a', 'random', true);
    await muted.setMuted('ws://a', 'random', false);
    assert.equal(muted.isMuted('ws://a', 'random'), false);
    assert.equal(changes, 3);
  });

  it('ignores a stored value it cannot read', () => {
    assert.equal(new MutedChannels(memoryStore({ 'relayChat.mutedChannels': 'ws://a\nrandom' })).isMuted('ws://a', 'random'), false);
    assert.equal(new MutedChannels(memoryStore({ 'relayChat.mutedChannels': [7, 'ws://a\nrandom'] })).isMuted('ws://a', 'random'), true);
  });
});
