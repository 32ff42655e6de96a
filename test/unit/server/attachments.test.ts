import assert from 'node:assert/strict';
import { LIMITS, type Attachment, type CodeAttachment, type DiffAttachment } from '../../../protocol';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const COMMIT = 'a'.repeat(40);

function codeAnchor(fields: Partial<CodeAttachment> = {}): CodeAttachment {
  return {
    kind: 'code',
    path: 'src/server/hub.ts',
    folder: 'relay-chat',
    range: { startLine: 10, endLine: 12, startColumn: 3 },
    language: 'typescript',
    snippet: 'const a = 1;\nconst b = 2;\nconst c = a + b;',
    git: { remote: 'github.com/team/relay-chat', commit: COMMIT, dirty: false },
    ...fields,
  };
}

function diffOf(size = 0): DiffAttachment {
  const padding = size > 0 ? `+${'x'.repeat(size)}\n` : '';
  return {
    kind: 'diff',
    diff: `diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1,2 @@\n-old\n+new\n${padding}`,
    scope: 'working',
    base: COMMIT,
    remote: 'github.com/team/relay-chat',
  };
}

/** Raw text frames as they arrive, to compare what two receivers got byte for byte. */
function recordRaw(client: TestClient): string[] {
  const raw: string[] = [];
  client.ws.on('message', (data: Buffer) => raw.push(data.toString('utf8')));
  return raw;
}

describe('server: attachments', () => {
  let server: RelayServer;
  beforeEach(async () => {
    server = await startTestServer({ rateLimit: { burst: 1000, perSecond: 1000 } });
  });
  afterEach(() => server.close());

  it('relays a message with attachments to v1 and v2 receivers alike, in one serialisation, mentions from the text only', async () => {
    const alice = await TestClient.join2(server.url, 'alice');
    const v1 = await TestClient.join(server.url, 'bob');
    const v2 = await TestClient.join2(server.url, 'carol');
    const rawV1 = recordRaw(v1);
    const rawV2 = recordRaw(v2);
    const attachments: Attachment[] = [codeAnchor({ snippet: 'ping(@bob)' }), diffOf()];
    const ack = await alice.request({ type: 'say', id: 'a1', text: 'look here @carol', attachments }, 'r1');
    assert.equal(ack.type, 'ack');
    const toV1 = await v1.next('message', (m) => m.id === 'a1');
    const toV2 = await v2.next('message', (m) => m.id === 'a1');
    assert.deepEqual(toV1.attachments, attachments);
    assert.deepEqual(toV2.attachments, attachments);
    assert.deepEqual(toV1.mentions, ['carol'], 'an @name inside a snippet is no mention');
    const frameOf = (raw: string[]) => raw.find((text) => text.includes('"id":"a1"'));
    assert.ok(frameOf(rawV1));
    assert.equal(frameOf(rawV1), frameOf(rawV2), 'the same bytes to both');
  });

  it('keeps attachments in history, a welcome and a resume, and leaves messages without them as they were', async () => {
    const alice = await TestClient.join2(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    const resumeFrom = bob.welcome.seq;
    await bob.close();
    const anchor = [codeAnchor()];
    const diff = [diffOf()];
    await alice.request({ type: 'say', id: 'c', text: 'an anchor', attachments: anchor }, 'r1');
    await alice.request({ type: 'say', id: 'd', text: 'a diff to bob', to: 'bob', attachments: diff }, 'r2');
    await alice.request({ type: 'say', id: 'p', text: 'plain' }, 'r3');
    const expected = [
      ['c', anchor],
      ['d', diff],
      ['p', undefined],
    ];

    const resumed = await TestClient.join(server.url, 'bob', { session: bob.welcome.session, resume: resumeFrom });
    assert.deepEqual(resumed.welcome.messages.map((m) => [m.id, m.attachments]), expected);
    const fresh = await TestClient.join2(server.url, 'carol');
    assert.deepEqual(fresh.welcome.messages.map((m) => [m.id, m.attachments]), [expected[0], expected[2]]);
    const page = await alice.request({ type: 'history', channel: 'general' }, 'h1');
    assert.ok(page.type === 'history');
    assert.deepEqual(page.messages.map((m) => [m.id, m.attachments]), [expected[0], expected[2]]);
    const direct = await resumed.request({ type: 'history', with: 'alice' }, 'h2');
    assert.ok(direct.type === 'history');
    assert.deepEqual(direct.messages.map((m) => [m.id, m.attachments]), [expected[1]]);
    assert.ok(!page.messages[1]!.hasOwnProperty('attachments'), 'no empty field on a plain message');
  });

  it('refuses bad attachments with the right code, naming the attachment and field, and stores nothing', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['absolute', [codeAnchor({ path: '/etc/passwd' })], 'BAD_FRAME', /^attachments\.0\.path: must be a relative path/],
      ['dotdot', [codeAnchor(), codeAnchor({ path: 'src/../../secret' })], 'BAD_FRAME', /^attachments\.1\.path: /],
      ['commit', [codeAnchor({ git: { commit: 'abc1234', dirty: false } })], 'BAD_FRAME', /^attachments\.0\.git\.commit: must be a full commit id/],
      ['range', [codeAnchor({ range: { startLine: 9, endLine: 3 } })], 'BAD_FRAME', /^attachments\.0\.range: endLine must not be before startLine/],
      ['many', Array.from({ length: LIMITS.attachmentsMax + 1 }, () => codeAnchor()), 'TOO_LONG', /at most 4 attachments; this one has 5/],
      ['snippet', [codeAnchor(), codeAnchor({ snippet: 'y'.repeat(LIMITS.snippetMaxLength + 1) })], 'TOO_LONG', /^attachments\.1\.snippet is 16001 characters; the limit is 16000$/],
      ['diff', [diffOf(LIMITS.diffMaxBytes)], 'TOO_LONG', /^attachments\.0\.diff is \d+ bytes of UTF-8; the limit is 57344 \(56 KiB\)$/],
      ['kind', [{ kind: 'zip', path: 'a' }], 'BAD_FRAME', /^attachments\.0\.kind: /],
      ['empty', [], 'BAD_FRAME', /^attachments: /],
    ];
    for (const [id, attachments, code, message] of cases) {
      const error = await alice.request({ type: 'say', id, text: 'see attached', attachments }, `r-${id}`);
      assert.ok(error.type === 'error', id);
      assert.equal(error.code, code, id);
      assert.equal(error.id, id, `${id}: the error names the say`);
      assert.match(error.message, message, id);
      assert.ok(error.message.length < 200, `${id}: a bounded message`);
    }
    await bob.sync();
    assert.deepEqual(bob.pending('message'), []);
    const page = await alice.request({ type: 'history', channel: 'general' }, 'h');
    assert.ok(page.type === 'history');
    assert.deepEqual(page.messages, [], 'nothing was stored');
    // Each id is still free: a corrected say with it is stored.
    const ack = await alice.request({ type: 'say', id: 'absolute', text: 'fixed', attachments: [codeAnchor()] }, 'r-fixed');
    assert.equal(ack.type, 'ack');
  });

  it('keeps history pages and welcomes of big attachment messages within the server frame limit', async function () {
    this.timeout(30_000);
    const alice = await TestClient.join(server.url, 'alice');
    // A say of about 60 KiB each: 24 of them are more than one server frame can carry.
    const count = 24;
    const diff = diffOf(LIMITS.diffMaxBytes - 200);
    for (let i = 0; i < count; i++) alice.send({ type: 'say', id: `big${i}`, text: `diff ${i}`, attachments: [diff, codeAnchor()] });
    await alice.next('ack', (a) => a.id === `big${count - 1}`, 20_000);

    const reader = await TestClient.connect(server.url);
    const sizes: number[] = [];
    reader.ws.on('message', (data: Buffer) => sizes.push(data.length));
    reader.send({ type: 'hello', name: 'reader', resume: 0 });
    const welcome = await reader.next('welcome');
    assert.equal(welcome.gap, true);
    assert.ok(welcome.messages.length > 0 && welcome.messages.length < count);
    assert.equal(welcome.messages.at(-1)!.id, `big${count - 1}`);

    const seen = new Set<string>();
    let before: number | undefined;
    for (;;) {
      reader.send({ type: 'history', limit: LIMITS.historyMaxLimit, ...(before !== undefined ? { before } : {}) });
      const page = await reader.next('history');
      for (const message of page.messages) {
        assert.deepEqual(message.attachments, [diff, codeAnchor()], 'every message whole, attachments included');
        seen.add(message.id);
      }
      if (!page.more) break;
      assert.ok(page.messages.length > 0 && page.messages.length < count);
      before = page.messages[0]!.seq;
    }
    assert.equal(seen.size, count, 'paging back reaches every message');
    for (const size of sizes) assert.ok(size <= LIMITS.maxServerFrameBytes, `a ${size}-byte frame`);
  });
});

describe('server: the message store with attachments', () => {
  it('answers a duplicate id with the original message and its attachments', async () => {
    const storage = openSqliteBackend();
    try {
      const alice = await storage.identity.createAccount('alice', 'unused-hash', false);
      const bob = await storage.identity.createAccount('bob', 'unused-hash', false);
      assert.ok(alice !== 'taken' && bob !== 'taken');
      const conversation = { kind: 'direct' as const, with: bob };
      const attachments = [codeAnchor()];
      const first = await storage.store.append({ sender: alice, clientId: 'm', text: 'first', conversation, attachments });
      assert.deepEqual(first.message.attachments, attachments);
      const again = await storage.store.append({ sender: alice, clientId: 'm', text: 'second', conversation, attachments: [diffOf()] });
      assert.equal(again.duplicate, true);
      assert.deepEqual(again.message, first.message);
    } finally {
      await storage.close();
    }
  });
});
