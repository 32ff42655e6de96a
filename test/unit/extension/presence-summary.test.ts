import assert from 'node:assert/strict';
import { nameList, PRESENCE_WINDOW_MS, presenceText, summarisePresence, type PresenceEvent } from '../../../extension/model/presence-summary';

let counter = 0;
function event(name: string, online: boolean, ts: number): PresenceEvent {
  return { key: `presence:${++counter}`, name, online, ts };
}

describe('join/leave summaries', () => {
  it('names two people and counts the rest', () => {
    assert.equal(nameList(['aaron']), 'aaron');
    assert.equal(nameList(['aaron', 'Beatrice']), 'aaron and Beatrice');
    assert.equal(nameList(['aaron', 'Beatrice', 'carol']), 'aaron, Beatrice and carol');
    const many = ['aaron', 'Beatrice', ...Array.from({ length: 34 }, (_, i) => `user${i}`)];
    assert.equal(nameList(many), 'aaron, Beatrice and 34 others');
    assert.equal(presenceText({ joined: many, left: [] }), 'aaron, Beatrice and 34 others joined');
    assert.equal(presenceText({ joined: ['aaron'], left: ['bob', 'carol'] }), 'aaron joined; bob and carol left');
  });

  it('puts everyone within the window on one line, each once, with the state they ended in', () => {
    const events = [event('aaron', true, 0), event('Beatrice', true, 10), event('bob', false, 20), event('BEATRICE', false, 30), event('beatrice', true, 40)];
    const [summary, ...rest] = summarisePresence(events);
    assert.deepEqual(rest, []);
    assert.deepEqual(summary, { key: events[0]!.key, joined: ['aaron', 'beatrice'], left: ['bob'], ts: 0 });
  });

  it('starts a new line after the window', () => {
    const summaries = summarisePresence([event('aaron', true, 0), event('bob', true, PRESENCE_WINDOW_MS), event('carol', true, PRESENCE_WINDOW_MS + 1)]);
    assert.deepEqual(
      summaries.map((summary) => presenceText(summary)),
      ['aaron and bob joined', 'carol joined'],
    );
  });

  it('leaves out whoever came and went within the window, and a window where that is everyone', () => {
    assert.deepEqual(summarisePresence([event('bob', false, 0), event('bob', true, 5)]), []);
    assert.deepEqual(
      summarisePresence([event('bob', true, 0), event('carol', true, 1), event('bob', false, 2)]).map((summary) => presenceText(summary)),
      ['carol joined'],
    );
    assert.deepEqual(summarisePresence([]), []);
  });
});
