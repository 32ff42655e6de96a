import assert from 'node:assert/strict';
import type { OutgoingMessage } from '../../../client/relay-client';
import { composeText } from '../../../client/code-refs/fallback';
import type { ChatMessage, CodeAttachment } from '../../../protocol';
import { GENERAL } from '../../../extension/model/address';
import { ConversationTimeline } from '../../../extension/model/conversation-timeline';
import { presenceText } from '../../../extension/model/presence-summary';
import type { TimelineEntry } from '../../../extension/webview-protocol';

function message(seq: number, from: string, text: string, to?: string): ChatMessage {
  return { type: 'message', seq, id: `id-${seq}`, from, text, ts: 1_700_000_000_000 + seq, ...(to ? { to } : {}) };
}

function describeEntry(entry: TimelineEntry): string {
  return entry.kind === 'message' ? `${entry.from}:${entry.text}:${entry.status}` : presenceText(entry);
}

describe('ConversationTimeline', () => {
  it('keeps stored messages once each, in seq order, whatever order they arrive in', () => {
    const conversation = new ConversationTimeline(GENERAL);
    assert.equal(conversation.addMessage(message(5, 'bob', 'third'), 'alice'), true);
    assert.equal(conversation.addMessage(message(2, 'bob', 'first'), 'alice'), true);
    assert.equal(conversation.addMessage(message(5, 'bob', 'third'), 'alice'), false);
    conversation.addHistory([message(2, 'bob', 'first'), message(3, 'alice', 'second')], false, 'alice');
    assert.deepEqual(conversation.entries('alice').map(describeEntry), [
      'bob:first:received',
      'alice:second:sent',
      'bob:third:received',
    ]);
    assert.equal(conversation.oldestSeq, 2);
    assert.equal(conversation.hasMore, false);
  });

  it('shows a pending message at the end and keeps its key when the ack stores it', () => {
    const conversation = new ConversationTimeline({ kind: 'direct', with: 'bob' });
    conversation.addMessage(message(1, 'bob', 'hi', 'alice'), 'alice');
    const outgoing: OutgoingMessage = { id: 'mine-1', text: 'hello bob', to: 'bob', status: 'queued' };
    conversation.track(outgoing, 1_700_000_000_500);
    const pending = conversation.entries('alice').at(-1);
    assert.equal(pending?.kind === 'message' && pending.status, 'queued');

    Object.assign(outgoing, { status: 'sent', seq: 7, ts: 1_700_000_000_600 });
    conversation.acknowledge(outgoing, 'alice');
    const stored = conversation.entries('alice').at(-1);
    assert.ok(stored?.kind === 'message');
    assert.equal(stored.key, pending?.key);
    assert.equal(stored.seq, 7);
    assert.equal(stored.status, 'sent');
    assert.equal(conversation.pendingCount, 0);
  });

  it('drops a pending message when the stored copy of it arrives first', () => {
    const conversation = new ConversationTimeline(GENERAL);
    conversation.track({ id: 'id-4', text: 'resent', status: 'sending' }, 0);
    conversation.addMessage(message(4, 'Alice', 'resent'), 'alice');
    assert.deepEqual(conversation.entries('alice').map(describeEntry), ['Alice:resent:sent']);
  });

  it('places join and leave lines after the message that was latest when they happened', () => {
    const conversation = new ConversationTimeline(GENERAL);
    conversation.addMessage(message(10, 'bob', 'before'), 'alice');
    conversation.addPresence('carol', true, 10, 1);
    conversation.addMessage(message(11, 'carol', 'after'), 'alice');
    // Older history loaded later still goes above the line.
    conversation.addHistory([message(3, 'bob', 'older')], true, 'alice');
    assert.deepEqual(conversation.entries('alice').map(describeEntry), [
      'bob:older:received',
      'bob:before:received',
      'carol joined',
      'carol:after:received',
    ]);
  });

  it('forgets stored messages after a gap but keeps what still has to be sent', () => {
    const conversation = new ConversationTimeline(GENERAL);
    conversation.addHistory([message(1, 'bob', 'old')], false, 'alice');
    conversation.track({ id: 'x', text: 'unsent', status: 'queued' }, 0);
    conversation.resetStored();
    assert.deepEqual(conversation.entries('alice').map(describeEntry), ['alice:unsent:queued']);
    assert.equal(conversation.historyRequested, false);
    assert.equal(conversation.hasMore, true);
  });

  it('adopts the name as the server spells it', () => {
    const conversation = new ConversationTimeline({ kind: 'direct', with: 'BOB' });
    conversation.addMessage(message(1, 'Bob', 'hi', 'alice'), 'alice');
    assert.deepEqual(conversation.conversation, { kind: 'direct', with: 'Bob' });
  });

  it('puts a burst of joins and leaves between two messages on one line, leaving out who came back', () => {
    const conversation = new ConversationTimeline(GENERAL);
    conversation.addMessage(message(1, 'bob', 'before'), 'alice');
    conversation.addPresence('aaron', true, 1, 1000);
    conversation.addPresence('dan', false, 1, 1500);
    conversation.addPresence('Beatrice', true, 1, 2000);
    // A dropped connection that came straight back: nothing changed.
    conversation.addPresence('carol', false, 1, 2500);
    conversation.addPresence('carol', true, 1, 3000);
    conversation.addMessage(message(2, 'bob', 'after'), 'alice');
    conversation.addPresence('erin', true, 2, 4000);
    assert.deepEqual(conversation.entries('alice').map(describeEntry), [
      'bob:before:received',
      'aaron and Beatrice joined; dan left',
      'bob:after:received',
      'erin joined',
    ]);
  });

  it("shows a message's attachments with the sender's note, the fallback for other clients taken off, pending and stored", () => {
    const anchor: CodeAttachment = { kind: 'code', path: 'src/a.ts', range: { startLine: 3, endLine: 4 }, snippet: 'a();\nb();', git: { commit: 'c'.repeat(40), dirty: false } };
    const text = composeText('look at this', [anchor]);
    assert.notEqual(text, 'look at this', 'the text sent carries the fallback');
    const conversation = new ConversationTimeline(GENERAL);
    const outgoing: OutgoingMessage = { id: 'mine-1', text, attachments: [anchor], status: 'queued' };
    conversation.track(outgoing, 1_700_000_000_500);
    const pending = conversation.entries('alice').at(-1);
    assert.ok(pending?.kind === 'message');
    assert.equal(pending.text, 'look at this');
    assert.deepEqual(pending.attachments, [anchor]);

    conversation.acknowledge({ ...outgoing, status: 'sent', seq: 7, ts: 1_700_000_000_600 }, 'alice');
    const stored = conversation.entries('alice').at(-1);
    assert.ok(stored?.kind === 'message' && stored.status === 'sent');
    assert.equal(stored.text, 'look at this');
    assert.deepEqual(stored.attachments, [anchor]);

    // From someone else, with no note: the text is the fallback alone, and the note empty.
    conversation.addMessage({ ...message(8, 'bob', composeText('', [anchor])), attachments: [anchor] }, 'alice');
    const received = conversation.entries('alice').at(-1);
    assert.ok(received?.kind === 'message');
    assert.equal(received.text, '');
    assert.deepEqual(received.attachments, [anchor]);
  });
});
