import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { composeText } from '../../../client/code-refs/fallback';
import { SNIPPET_MAX_LINES } from '../../../client/terminal/attachment-lines';
import { fileLinker, linkRoots } from '../../../client/terminal/file-links';
import { formatMessage, messageView } from '../../../client/terminal/format';
import type { CodeAttachment, DiffAttachment } from '../../../protocol/attachments';
import { onTerminal } from './fake-terminal';
import { ClientPool, makeClient, until } from './helpers';

const COMMIT = 'abc1234def5678901234567890abcdef12345678';
const AT = new Date(2025, 10, 21, 12, 3).getTime();
const NOW = new Date(2025, 10, 21, 15, 30).getTime();
const plain = { color: false };
const anchor: CodeAttachment = {
  kind: 'code',
  path: 'src/parse.ts',
  range: { startLine: 10, endLine: 11 },
  language: 'typescript',
  snippet: 'const a = 1;\n\tconst b = 2;',
  git: { remote: 'github.com/org/repo', commit: COMMIT, dirty: false },
};
const diff: DiffAttachment = {
  kind: 'diff',
  scope: 'working',
  base: COMMIT,
  remote: 'github.com/org/repo',
  diff: [
    'diff --git a/a.txt b/a.txt',
    '--- a/a.txt',
    '+++ b/a.txt',
    '@@ -1,2 +1,30 @@',
    ' keep',
    '-old',
    ...Array.from({ length: 29 }, (_, i) => `+new ${i}`),
    '',
  ].join('\n'),
};

function shown(text: string, attachments: Array<CodeAttachment | DiffAttachment> | undefined, style: Parameters<typeof formatMessage>[3] = plain): string {
  return formatMessage({ from: 'alice', text, ts: AT, ...(attachments ? { attachments } : {}) }, 'bob', NOW, style);
}

function tempTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-links-'));
  fs.mkdirSync(path.join(root, '.git'));
  fs.mkdirSync(path.join(root, 'pkg', 'src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'pkg', 'src', 'x.ts'), 'x\n');
  fs.writeFileSync(path.join(root, 'README.md'), 'r\n');
  return root;
}

describe('client: terminal attachments and code links', () => {
  it('prints an anchor as its header and the framed snippet, with the note instead of the fallback', () => {
    const text = shown(composeText('look here', [anchor]), [anchor]);
    assert.equal(
      text,
      ['[12:03] alice: look here', '               src/parse.ts:L10-L11 @ abc1234', '               │ const a = 1;', '               │     const b = 2;'].join('\n'),
    );
  });

  it('starts with the header when there is no note, and says when the file had uncommitted changes', () => {
    const dirty = { ...anchor, git: { ...anchor.git!, dirty: true } };
    assert.match(shown(composeText('', [dirty]), [dirty]), /^\[12:03\] alice: src\/parse\.ts:L10-L11 @ abc1234 \(uncommitted changes\)\n/);
  });

  it('prints a diff as its description, --stat summary and first lines, and counts the rest', () => {
    const lines = shown(composeText('', [diff]), [diff]).split('\n').map((line) => line.trim());
    assert.deepEqual(lines.slice(0, 4), [
      '[12:03] alice: Working tree changes in github.com/org/repo @ abc1234',
      'a.txt | 30 +++++++++++++++++++++++++++++-',
      '1 file changed, 29 insertions(+), 1 deletion(-)',
      '│ diff --git a/a.txt b/a.txt',
    ]);
    assert.equal(lines.filter((line) => line.startsWith('│')).length, 12);
    assert.equal(lines.at(-1), '└ … 23 more lines');
  });

  it('bounds a long snippet and long lines', () => {
    const long = { ...anchor, snippet: Array.from({ length: 100 }, (_, i) => `${'x'.repeat(500)}${i}`).join('\n'), range: { startLine: 1, endLine: 100 } };
    const lines = shown('', [long]).split('\n');
    assert.equal(lines.filter((line) => line.includes('│')).length, SNIPPET_MAX_LINES);
    assert.ok(lines.every((line) => line.length < 260));
    assert.match(lines.at(-1)!, /└ … 80 more lines$/);
  });

  it('shows the whole text when it is not the composed fallback (a bot), and text as before without attachments', () => {
    assert.match(shown('my own words', [anchor]), /^\[12:03\] alice: my own words\n +src\/parse\.ts:L10-L11/);
    assert.equal(shown('hi', undefined), '[12:03] alice: hi');
  });

  it('cleans control characters out of what attachments carry', () => {
    const hostile = { ...anchor, path: 'a\x1b[2J.ts', snippet: 'x\x1b]0;owned\x07\ry' } as CodeAttachment;
    const hostileDiff = { ...diff, remote: 'h\x1b[31m/r', diff: 'diff --git a/\x1b[2J b/\x1b[2J\n--- a/\x1b[2J\n+++ b/\x1b[2J\n@@ -1 +1 @@\n-\x1b[2J\n+\x07\n' } as DiffAttachment;
    const text = shown('', [hostile, hostileDiff]);
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(text), JSON.stringify(text));
  });

  it('takes the attachments from a message for the view', () => {
    const view = messageView({ from: 'alice', text: 't', ts: AT, attachments: [anchor] }, 'bob');
    assert.deepEqual(view.attachments, [anchor]);
  });

  it('makes code links to files that exist under the working directory or its git root OSC 8 hyperlinks', () => {
    const root = tempTree();
    try {
      const cwd = path.join(root, 'pkg');
      assert.deepEqual(linkRoots(cwd), [cwd, root]);
      const fileLink = fileLinker(linkRoots(cwd));
      const text = shown('see src/x.ts:3, README.md:1, missing.ts:2 and ../../etc/passwd:1', undefined, { color: false, fileLink });
      const url = pathToFileURL(path.join(cwd, 'src', 'x.ts')).href;
      const readme = pathToFileURL(path.join(root, 'README.md')).href;
      assert.equal(
        text,
        `[12:03] alice: see \x1b]8;;${url}\x1b\\src/x.ts:3\x1b]8;;\x1b\\, \x1b]8;;${readme}\x1b\\README.md:1\x1b]8;;\x1b\\, missing.ts:2 and ../../etc/passwd:1`,
      );
      // Without a linker (not a terminal) the text stays as it was.
      assert.equal(shown('see src/x.ts:3', undefined), '[12:03] alice: see src/x.ts:3');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('links absolute paths only inside the roots, and never hands out a URL that could end the escape', () => {
    const root = tempTree();
    try {
      const fileLink = fileLinker([root]);
      assert.equal(fileLink({ kind: 'file', path: path.join(root, 'README.md') }), pathToFileURL(path.join(root, 'README.md')).href);
      assert.equal(fileLink({ kind: 'file', path: '/etc/hostname' }), undefined);
      assert.equal(fileLink({ kind: 'file', path: 'pkg' }), undefined, 'a directory is not a file to open');
      fs.writeFileSync(path.join(root, '..dots.ts'), '');
      assert.equal(fileLink({ kind: 'file', path: '..dots.ts' }), pathToFileURL(path.join(root, '..dots.ts')).href, 'a name starting with two dots is still inside');
      assert.equal(fileLink({ kind: 'file', path: 'pkg/../../x.ts' }), undefined);
      const evil = shown('x.ts:1', undefined, { color: false, fileLink: () => 'file:///x\x1b\\\x07' });
      assert.equal(evil, '[12:03] alice: x.ts:1');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  describe('on the fake terminal', () => {
    let wss: WebSocketServer;
    const pool = new ClientPool();
    beforeEach(async () => {
      wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise((resolve) => wss.once('listening', resolve));
    });
    afterEach(async () => {
      await pool.closeAll();
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    });

    it('prints an incoming anchor with its note, and links a file in a message that exists here', async () => {
      const root = tempTree();
      try {
        const withAnchor = { type: 'message', seq: 1, id: 'a', from: 'bob', text: composeText('the bug is here', [anchor]), ts: Date.now(), attachments: [anchor] };
        const withLink = { type: 'message', seq: 2, id: 'b', from: 'bob', text: 'or in pkg/src/x.ts:1', ts: Date.now() };
        wss.on('connection', (socket) =>
          socket.once('message', () => {
            socket.send(JSON.stringify({ type: 'welcome', name: 'carol', session: 's', users: ['carol'], messages: [], seq: 0 }));
            socket.send(JSON.stringify(withAnchor));
            socket.send(JSON.stringify(withLink));
          }),
        );
        const carol = makeClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, 'carol');
        pool.track(carol);
        const term = onTerminal(carol, undefined, { style: { color: false, fileLink: fileLinker([root]) } });
        await until(() => term.screen().includes('x.ts:1'), 'both messages are shown');
        assert.match(term.screen(), /bob: the bug is here\n +src\/parse\.ts:L10-L11 @ abc1234\n +│ const a = 1;\n +│     const b = 2;/);
        assert.doesNotMatch(term.screen(), /```/, 'the fallback is not printed');
        assert.ok(term.raw().includes(`\x1b]8;;${pathToFileURL(path.join(root, 'pkg', 'src', 'x.ts')).href}\x1b\\pkg/src/x.ts:1\x1b]8;;\x1b\\`));
        term.type('/quit\r');
        await term.exited;
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  });
});
