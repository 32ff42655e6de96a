import assert from 'node:assert/strict';
import { Heartbeats } from '../../../server/heartbeats';

class Peer {
  readonly pings: number[] = [];
  constructor(readonly name: string) {}
  heartbeat(): void {
    this.pings.push(performance.now());
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('heartbeats', () => {
  let heartbeats: Heartbeats<Peer> | undefined;
  afterEach(() => heartbeats?.stop());

  it('pings every connection once per interval, a slot at a time, not all at once', async () => {
    heartbeats = new Heartbeats<Peer>(1000); // four slots, a tick every 250 ms
    const peers = Array.from({ length: 8 }, (_, index) => new Peer(`p${index}`));
    for (const peer of peers) heartbeats.add(peer);
    assert.equal(heartbeats.size, 8);
    assert.deepEqual([...heartbeats].map((peer) => peer.name).sort(), peers.map((peer) => peer.name).sort());

    await until(() => peers.every((peer) => peer.pings.length > 0), 5000);
    // Slots are visited in turn, so nobody is pinged twice before everyone was once.
    assert.ok(peers.every((peer) => peer.pings.length === 1), peers.map((peer) => peer.pings.length).join());
    const ticks = new Set(peers.map((peer) => Math.round(peer.pings[0]!)));
    assert.equal(ticks.size, 4, 'four ticks of two pings each');
    const sorted = [...ticks].sort((a, b) => a - b);
    for (let index = 1; index < sorted.length; index++) assert.ok(sorted[index]! - sorted[index - 1]! >= 200, `ticks ${sorted.join(', ')}`);
  });

  it('forgets a connection that is removed, also while its slot is being visited', async () => {
    heartbeats = new Heartbeats<Peer>(100); // one slot
    const gone = new Peer('gone');
    const dropper = new (class extends Peer {
      override heartbeat(): void {
        super.heartbeat();
        heartbeats!.delete(this);
      }
    })('dropper');
    const stays = new Peer('stays');
    heartbeats.add(dropper);
    heartbeats.add(stays);
    heartbeats.add(gone);
    heartbeats.delete(gone);
    assert.equal(heartbeats.size, 2);
    await until(() => stays.pings.length >= 3, 5000);
    assert.equal(gone.pings.length, 0);
    assert.equal(dropper.pings.length, 1, 'dropped at its first ping');
    assert.deepEqual([...heartbeats].map((peer) => peer.name), ['stays']);
  });
});
