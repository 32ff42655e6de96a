import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { composeText } from '../../../client/code-refs/fallback';
import type { RelayClient } from '../../../client/relay-client';
import { parseTerminalArgs, UsageError } from '../../../client/terminal/args';
import { LIMITS, type Attachment, type ChatMessage, type CodeAttachment } from '../../../protocol';
import type { RelayServer } from '../../../server';
import { startTestServer, tempDir } from '../../support/server';
import { CLI, CliRuns } from './cli-runs';
import { makeClient, online, recordMessages, until } from './helpers';

const FILE = ['import { hub } from "./hub";', '', 'export function size(): number {', '  return hub.size;', '}', ''].join('\r\n');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
}

describe('client: relay-chat --batch with --code and --attach (built CLI)', function () {
  this.timeout(20_000);
  let server: RelayServer;
  let config: { path: string; remove: () => void };
  let work: { path: string; remove: () => void };
  let watcher: RelayClient;
  let received: ChatMessage[];
  const runs = new CliRuns();

  /** A repository `app` with src/size.ts committed, its remote spelt the scp way. */
  function makeRepository(): { root: string; commit: string } {
    const root = path.join(work.path, 'app');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'size.ts'), FILE);
    git(root, 'init', '-q');
    git(root, 'remote', 'add', 'origin', 'git@GitHub.com:Team/App.git');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'first');
    return { root, commit: git(root, 'rev-parse', 'HEAD') };
  }

  function run(args: string[], input: string, cwd?: string) {
    return runs.run(['--url', server.url, '--name', 'bot', '--batch', ...args], input, config.path, false, cwd);
  }

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
  });
  beforeEach(async () => {
    server = await startTestServer();
    config = tempDir('relay-chat-cli-');
    work = tempDir('relay-chat-work-');
    watcher = makeClient(server.url, 'watcher');
    received = recordMessages(watcher);
    await online(watcher);
  });
  afterEach(async () => {
    runs.killAll();
    await watcher.close();
    await server.close();
    config.remove();
    work.remove();
  });

  it('--code sends an anchor built from the file and git with the first line as its note; later lines go plain', async () => {
    const { root, commit } = makeRepository();
    const first = run(['--code', path.join(root, 'src', 'size.ts') + ':3-5'], 'the size lives here\nthanks\n');
    assert.equal(await first.exited, 0, first.output.stderr);
    await until(() => received.length === 2, 'both messages arrived');
    const anchor: CodeAttachment = {
      kind: 'code',
      path: 'src/size.ts',
      folder: 'app',
      range: { startLine: 3, endLine: 5 },
      language: 'typescript',
      snippet: 'export function size(): number {\n  return hub.size;\n}',
      git: { remote: 'github.com/Team/App', commit, dirty: false },
    };
    assert.deepEqual(received[0]!.attachments, [anchor]);
    assert.equal(received[0]!.text, composeText('the size lives here', [anchor]));
    assert.deepEqual([received[1]!.text, received[1]!.attachments], ['thanks', undefined]);

    // Changed since the commit, and named from inside the repository: dirty, the path still from its root.
    fs.appendFileSync(path.join(root, 'src', 'size.ts'), '// more\r\n');
    const second = run(['--code', 'size.ts:4'], '', path.join(root, 'src'));
    assert.equal(await second.exited, 0, second.output.stderr);
    await until(() => received.length === 3, 'the anchor alone arrived');
    const dirty = { ...anchor, range: { startLine: 4, endLine: 4 }, snippet: '  return hub.size;', git: { ...anchor.git!, dirty: true } };
    assert.deepEqual(received[2]!.attachments, [dirty]);
    assert.equal(received[2]!.text, composeText('', [dirty]));
  });

  it('--code outside any repository anchors from the current folder, without git', async () => {
    const folder = path.join(work.path, 'notes');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'plan.md'), '# Plan\n\n- ship it\n');
    const bot = run(['--code', 'plan.md:3'], 'the plan\n', folder);
    assert.equal(await bot.exited, 0, bot.output.stderr);
    await until(() => received.length === 1, 'the anchor arrived');
    assert.deepEqual(received[0]!.attachments, [
      { kind: 'code', path: 'plan.md', folder: 'notes', range: { startLine: 3, endLine: 3 }, language: 'markdown', snippet: '- ship it' },
    ]);
  });

  it('--attach sends the attachments a JSON file holds, in the order given with --code, alone when there is no line', async () => {
    const { root, commit } = makeRepository();
    const diff: Attachment = { kind: 'diff', diff: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n', scope: 'staged', base: commit, remote: 'github.com/team/app' };
    const code: Attachment = { kind: 'code', path: 'lib/x.ts', range: { startLine: 1, endLine: 1 }, snippet: 'b' };
    fs.writeFileSync(path.join(work.path, 'one.json'), JSON.stringify(diff));
    fs.writeFileSync(path.join(work.path, 'list.json'), JSON.stringify([code]));
    const bot = run(['--attach', 'one.json', '--code', path.join(root, 'src', 'size.ts') + ':1', '--attach', 'list.json'], '', work.path);
    assert.equal(await bot.exited, 0, bot.output.stderr);
    await until(() => received.length === 1, 'the message arrived');
    const got = received[0]!.attachments ?? [];
    assert.deepEqual(got.map((a) => (a.kind === 'code' ? a.path : 'diff')), ['diff', 'src/size.ts', 'lib/x.ts']);
    assert.deepEqual([got[0], got[2]], [diff, code]);
    assert.equal(received[0]!.text, composeText('', got));
  });

  it('refuses bad attachments before connecting, saying what is wrong, and exits 1 (2 for a malformed --code)', async () => {
    const { root } = makeRepository();
    const write = (name: string, value: unknown): string => {
      const file = path.join(work.path, name);
      fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
      return file;
    };
    const anchor = { kind: 'code', path: 'a.ts', range: { startLine: 1, endLine: 1 }, snippet: 'a' };
    const outside = path.join(work.path, 'loose.txt');
    fs.writeFileSync(outside, 'one line\n');
    const bigDiff = { kind: 'diff', diff: `+${'d'.repeat(LIMITS.diffMaxBytes - 10)}\n`, scope: 'working' };
    const bigCode = { ...anchor, snippet: 's'.repeat(LIMITS.snippetMaxLength) };
    const cases: Array<[string[], number, RegExp]> = [
      [['--attach', write('broken.json', '{"kind":')], 1, /--attach .*broken\.json: the file is not valid JSON/],
      [['--attach', write('absolute.json', { ...anchor, path: '/etc/passwd' })], 1, /not an attachment: path: must be a relative path/],
      [['--attach', write('list.json', [anchor, { ...anchor, range: { startLine: 5, endLine: 2 } }])], 1, /not a list of attachments: 1\.range: endLine must not be before startLine/],
      [['--attach', write('commit.json', { ...anchor, git: { commit: 'HEAD', dirty: false } })], 1, /git\.commit: must be a full commit id/],
      [['--attach', path.join(work.path, 'missing.json')], 1, /missing\.json: cannot read the file \(ENOENT\)/],
      [['--code', path.join(root, 'src', 'size.ts') + ':4-9'], 1, /--code .*size\.ts:4-9: the file has 5 lines/],
      [['--code', `${outside}:1`], 1, /the file is outside the current folder and in no git repository/],
      [['--attach', write('five.json', Array.from({ length: 5 }, () => anchor))], 1, /the attachments cannot be sent \(TOO_LONG: a message carries at most 4 attachments; this one has 5\)/],
      [['--attach', write('big.json', [bigDiff, bigCode])], 1, /the attachments cannot be sent \(TOO_LONG: this message would be a \d+-byte frame; the limit is 65536 bytes \(64 KiB\)/],
      [['--code', 'size.ts'], 2, /--code "size\.ts": expected PATH:START or PATH:START-END/],
    ];
    for (const [args, status, message] of cases) {
      const bot = run(args, 'a note\n');
      assert.equal(await bot.exited, status, `${args.join(' ')}: ${bot.output.stderr}`);
      assert.match(bot.output.stderr, message, args.join(' '));
    }
    const page = await watcher.requestHistory({});
    assert.deepEqual(page.messages, [], 'nothing was sent');
  });
});

describe('client: relay-chat --code and --attach arguments', () => {
  const batch = { userName: 'bot', stdinIsTTY: false };
  it('keeps the order given, reads PATH:START[-END], and refuses them outside batch mode', () => {
    const command = parseTerminalArgs(['--code', 'a:b.ts:3', '--attach', 'x.json', '--code', 'c.ts:10-24'], {}, batch);
    assert.ok(command.command === 'chat');
    assert.deepEqual(command.options.attachments, [
      { kind: 'code', file: 'a:b.ts', startLine: 3, endLine: 3 },
      { kind: 'file', file: 'x.json' },
      { kind: 'code', file: 'c.ts', startLine: 10, endLine: 24 },
    ]);
    for (const bad of ['c.ts:0', 'c.ts:5-3', 'c.ts:', ':4', 'c.ts:1-']) {
      assert.throws(() => parseTerminalArgs(['--code', bad], {}, batch), UsageError, bad);
    }
    assert.throws(() => parseTerminalArgs(['--attach', 'x.json'], {}, { userName: 'me', stdinIsTTY: true }), /for batch mode/);
  });
});
