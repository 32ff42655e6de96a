import assert from 'node:assert/strict';
import type { Connection } from '../../../server/connection';
import { Hub } from '../../../server/hub';

/** What the hub touches of a connection, recording the payloads delivered to it. */
function fakeConnection(id: number, name: string, protocol: number): Connection & { got: string[] } {
  const got: string[] = [];
  const fake = {
    user: { id, name },
    key: name,
    deviceId: id * 10,
    protocol,
    channels: [] as number[],
    isOpen: true,
    got,
    deliver: (frame: string) => got.push(frame.slice(2)),
    close: () => {},
  };
  return fake as unknown as Connection & { got: string[] };
}

function say(hub: Hub, channelId: number, text: string): void {
  hub.deliver({ audience: { kind: 'channel', channelId }, payload: text });
}

describe('server: hub channel index', () => {
  it('applies membership changes that arrive while a connection’s channels are read over what the store said', () => {
    const hub = new Hub();
    const ana = fakeConnection(1, 'ana', 2);
    hub.register('ana', ana);
    hub.beginLoading(ana);
    hub.deliver({ audience: { kind: 'users', keys: ['ana'] }, subscription: { channelId: 7, userId: 1, subscribed: true } });
    hub.deliver({ audience: { kind: 'users', keys: ['ana'] }, subscription: { channelId: 3, userId: 1, subscribed: false } });
    hub.subscribe(ana, [3, 5]);
    assert.deepEqual([...ana.channels].sort(), [5, 7]);
    for (const channel of [3, 5, 7]) say(hub, channel, `in ${channel}`);
    assert.deepEqual(ana.got, ['in 5', 'in 7']);
  });

  it('leaves v1 connections and other accounts of the name out of membership changes, and drops an archived channel everywhere', () => {
    const hub = new Hub();
    const v1 = fakeConnection(1, 'ana', 1);
    const v2 = fakeConnection(1, 'ana', 2);
    v2.deviceId = 11;
    const bo = fakeConnection(2, 'bo', 2);
    hub.register('ana', v1);
    hub.register('ana', v2);
    hub.register('bo', bo);
    hub.subscribe(v1, [1]);
    hub.subscribe(v2, [1]);
    hub.subscribe(bo, [1, 9]);
    hub.deliver({ audience: { kind: 'users', keys: ['ana'] }, subscription: { channelId: 9, userId: 1, subscribed: true } });
    hub.deliver({ audience: { kind: 'users', keys: ['ana'] }, subscription: { channelId: 4, userId: 99, subscribed: true } });
    assert.deepEqual([[...v1.channels], [...v2.channels].sort()], [[1], [1, 9]]);
    hub.deliver({ audience: { kind: 'channel', channelId: 9 }, subscription: { channelId: 9, subscribed: false } });
    say(hub, 9, 'archived');
    assert.deepEqual([v1.got, v2.got, bo.got], [[], [], []]);
    hub.deliver({ audience: { kind: 'channel', channelId: 1, v2Only: true, exceptDevice: 11 }, payload: 'event' });
    assert.deepEqual([v1.got, v2.got, bo.got], [[], [], ['event']]);
  });

  it('does not index a connection that closed before its channels were read, nor keep one after it unregisters', () => {
    const hub = new Hub();
    const gone = fakeConnection(1, 'ana', 2);
    hub.register('ana', gone);
    hub.beginLoading(gone);
    (gone as { isOpen: boolean }).isOpen = false;
    hub.unregister('ana', gone);
    hub.subscribe(gone, [1]);
    const left = fakeConnection(2, 'bo', 2);
    hub.register('bo', left);
    hub.subscribe(left, [1]);
    hub.unregister('bo', left);
    say(hub, 1, 'anyone?');
    assert.deepEqual([gone.got, left.got, [...gone.channels], [...left.channels]], [[], [], [], []]);
  });

  it('keeps one connection per device of a user, alone or several, through register and unregister', () => {
    const hub = new Hub();
    const laptop = fakeConnection(1, 'ana', 2);
    const phone = Object.assign(fakeConnection(1, 'ana', 2), { deviceId: 11 });
    const toAna = (text: string, exceptDevice?: number): void =>
      hub.deliver({ audience: { kind: 'users', keys: ['ana'], ...(exceptDevice !== undefined ? { exceptDevice } : {}) }, payload: text });
    hub.register('ana', laptop);
    toAna('one');
    hub.register('ana', phone);
    toAna('two');
    toAna('not to the phone', 11);
    assert.deepEqual([...hub.connections()], [laptop, phone]);
    assert.equal(hub.unregister('ana', laptop), false, 'the phone is still here');
    toAna('three');
    assert.deepEqual([laptop.got, phone.got], [['one', 'two', 'not to the phone'], ['two', 'three']]);
    assert.equal(hub.unregister('ana', laptop), false, 'not registered any more');
    assert.equal(hub.unregister('ana', phone), true, 'the last one');
    assert.equal(hub.has('ana'), false);
    assert.deepEqual([...hub.connections()], []);
  });
});
