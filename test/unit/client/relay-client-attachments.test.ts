import assert from 'node:assert/strict';
import { RelayError } from '../../../client/relay-client';
import { LIMITS, type Attachment, type CodeAttachment } from '../../../protocol';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { ClientPool, nextEvent, online, recordMessages, SocketControl, until } from './helpers';

function anchor(snippet = 'return hub.size;'): CodeAttachment {
  return {
    kind: 'code',
    path: 'server/hub.ts',
    range: { startLine: 40, endLine: 40 },
    language: 'typescript',
    snippet,
    git: { remote: 'github.com/team/relay-chat', commit: 'b'.repeat(40), dirty: true },
  };
}

describe('client: RelayClient with attachments', () => {
  let server: RelayServer;
  const pool = new ClientPool(() => server.url);
  const client = pool.client;

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('sends attachments to v1 and v2 clients, which keep them in live messages, welcomes and history', async () => {
    const alice = await online(client('alice', { protocol: 2 }));
    const v1 = await online(client('bob'));
    const v2 = await online(client('carol', { protocol: 2 }));
    const attachments: Attachment[] = [anchor()];
    const toV1 = nextEvent(v1, 'message');
    const toV2 = nextEvent(v2, 'message');
    const sent = alice.send('server/hub.ts:L40', { kind: 'channel', channel: 'general' }, { attachments });
    await nextEvent(alice, 'sent', (m) => m.id === sent.id);
    assert.deepEqual((await toV1)[0].attachments, attachments);
    assert.deepEqual((await toV2)[0].attachments, attachments);
    const plain = alice.send('and the old way still works');
    await nextEvent(alice, 'sent', (m) => m.id === plain.id);

    const page = await v1.requestHistory({});
    assert.deepEqual(page.messages.map((m) => m.attachments), [attachments, undefined]);
    const latecomer = client('dave', { protocol: 2 });
    const welcomed = recordMessages(latecomer);
    await online(latecomer);
    await until(() => welcomed.length === 2, 'the welcome delivered both');
    assert.deepEqual(welcomed.map((m) => m.attachments), [attachments, undefined]);
  });

  it('keeps attachments on a queued message and on the one re-sent after a drop', async () => {
    const control = new SocketControl();
    const alice = client('alice', { createSocket: control.create });
    const attachments: Attachment[] = [anchor('queued while offline')];
    const queued = alice.send('before connecting', undefined, { attachments });
    assert.equal(queued.status, 'queued');
    await online(alice);
    await nextEvent(alice, 'sent', (m) => m.id === queued.id);

    const bob = await online(client('bob'));
    const bobGot = recordMessages(bob);
    control.cutOnSay = true;
    const lost = alice.send('lost on the way', undefined, { attachments: [anchor('after a drop')] });
    await nextEvent(alice, 'sent', (m) => m.id === lost.id);
    const says = control.sent.filter((frame) => frame.type === 'say' && frame.id === lost.id);
    assert.equal(says.length, 2, 'sent, lost, and sent again');
    for (const say of says) assert.deepEqual(say.attachments, [anchor('after a drop')]);
    await until(() => bobGot.length === 1, 'bob has it');
    assert.deepEqual(bobGot[0]!.attachments, [anchor('after a drop')]);
  });

  it('refuses at once, never sending it, a say over the frame limit or with attachments the server would refuse', async () => {
    const control = new SocketControl();
    const alice = await online(client('alice', { createSocket: control.create }));
    // A diff and a snippet at their limits: each is allowed, together they pass the 64 KiB frame limit.
    const diff = `--- a/big.txt\n+++ b/big.txt\n@@ -0,0 +1 @@\n+${'d'.repeat(LIMITS.diffMaxBytes - 60)}\n`;
    const big: Attachment[] = [{ kind: 'diff', diff, scope: 'working' }, anchor('s'.repeat(LIMITS.snippetMaxLength))];
    const checked = alice.checkSend('four big snippets', undefined, { attachments: big });
    assert.ok(checked instanceof RelayError);
    assert.equal(checked.code, 'TOO_LONG');
    assert.match(checked.message, /^this message would be a 7\d{4}-byte frame; the limit is 65536 bytes \(64 KiB\): send a smaller diff or snippet, or fewer attachments$/);

    const failures: string[] = [];
    alice.on('failed', (m) => failures.push(m.id));
    const oversize = alice.send('four big snippets', undefined, { attachments: big });
    assert.equal(oversize.status, 'failed');
    assert.deepEqual(oversize.error, { code: checked.code, message: checked.message });
    const badPath = alice.send('a bad path', undefined, { attachments: [{ ...anchor(), path: '../outside.ts' }] });
    assert.equal(badPath.error?.code, 'BAD_FRAME');
    assert.match(badPath.error?.message ?? '', /^attachments\.0\.path: /);
    assert.equal(alice.checkSend('fine', undefined, { attachments: [anchor()] }), undefined);
    await until(() => failures.length === 2, 'both are reported');

    const fine = alice.send('fine', undefined, { attachments: [anchor()] });
    await nextEvent(alice, 'sent', (m) => m.id === fine.id);
    assert.deepEqual(
      control.sent.filter((frame) => frame.type === 'say').map((frame) => frame.id),
      [fine.id],
      'only the message that fits went on the wire',
    );
    assert.equal(alice.state, 'online', 'and the connection was never closed with 1009');
  });
});
