/**
 * Code anchors received inside a real VS Code (issue 10): the workspace holds "demo", a clone
 * of a repository the test makes (test/extension-host/git-fixture.ts), at its second commit.
 * Anchors from the second commit land on their lines; anchors from the first land where the
 * lines moved to (through the diff between the commits, across a rename, or by the snippet when
 * the commit is unknown here); code that is gone is said to be and compared with its snapshot;
 * with no matching repository the snapshot opens read-only. Shared diffs open in the diff
 * editor, alone and on top of the checkout. Code links in a message ("bea", a RelayClient)
 * open when the file or commit is here, and stay text when not. Last, bea sends an anchor: its
 * card in #general's panel, clicked in the webview (by the launcher, as a user would), lands on
 * the moved lines.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { composeText } from '../../client/code-refs/fallback';
import { RelayClient } from '../../client/relay-client';
import type { AnchorOutcome } from '../../extension/code-anchors/anchor-opener';
import type { DiffOutcome } from '../../extension/code-anchors/diff-opener';
import { gitApi } from '../../extension/git/git-extension';
import { entryKey } from '../../extension/model/conversation-timeline';
import type { RelayChatTestApi } from '../../extension/test-api';
import type { CodeAttachment, DiffAttachment } from '../../protocol/attachments';
import { APP_FIRST, APP_SECOND, diffBetween, HELPER_FIRST, makeGitFixture, REMOTE, type GitFixture } from './git-fixture';
import { activateExtension, eventually, screenshot, serverUrl, settings, webviewClick, workbenchDriven } from './helpers';
import { prompts } from './prompts';

const GENERAL = { kind: 'channel' as const, channel: 'general' };
const GREET_FIRST = { startLine: 5, endLine: 8 };
const GREET_SECOND = { startLine: 15, endLine: 18 };

function lines(text: string[], range: { startLine: number; endLine: number }): string {
  return text.slice(range.startLine - 1, range.endLine).join('\n');
}

function activeTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.activeTabGroup.activeTab;
}

describe('Code anchors in VS Code', () => {
  let api: RelayChatTestApi;
  let fixture: GitFixture;
  let root: string;
  let bea: RelayClient;
  let opened = 0;

  function anchor(range: { startLine: number; endLine: number }, commit: string, text: string[], extra: Partial<CodeAttachment> = {}): CodeAttachment {
    return { kind: 'code', path: 'src/app.ts', range, language: 'typescript', snippet: lines(text, range), git: { remote: REMOTE, commit, dirty: false }, ...extra };
  }

  async function open(attachment: CodeAttachment | DiffAttachment, action: 'open' | 'snapshot' | 'web' | 'diff' | 'checkout'): Promise<AnchorOutcome & DiffOutcome & { url?: string }> {
    return (await api.openAttachment({ attachment, id: `test/${++opened}#0` }, action)) as AnchorOutcome & DiffOutcome & { url?: string };
  }

  function selectedLines(): { path: string; start: number; end: number } {
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is active');
    return { path: editor.document.uri.fsPath, start: editor.selection.start.line + 1, end: editor.selection.end.line + 1 };
  }

  before(async function () {
    this.timeout(60_000);
    api = await activateExtension();
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    fixture = makeGitFixture(root);
    mkdirSync(path.join(root, 'notes'), { recursive: true });
    writeFileSync(path.join(root, 'notes', 'todo.md'), '# To do\n\n- ship anchors\n- write the note\n');
    const git = await gitApi();
    assert.ok(git, 'the git extension is there');
    await vscode.commands.executeCommand('git.openRepository', fixture.demo);
    await eventually(
      () => git.repositories.find((repository) => repository.rootUri.fsPath === fixture.demo && repository.state.HEAD?.commit === fixture.second && repository.state.remotes.length > 0),
      'the git extension to know the clone',
      30_000,
    );

    prompts.reset();
    await vscode.commands.executeCommand('relayChat.disconnect');
    await settings().update('serverUrl', serverUrl(), vscode.ConfigurationTarget.Global);
    await settings().update('userName', 'otto', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'otto online');
    prompts.reset();
    bea = new RelayClient({ url: serverUrl(), name: 'bea', protocol: 2 });
    bea.connect();
    await eventually(() => bea.state === 'online', 'bea online');
  });

  afterEach(() => prompts.reset());

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('relayChat.disconnect');
    await bea?.close();
    await settings().update('userName', 'tester', vscode.ConfigurationTarget.Global);
  });

  it('opens an anchor from the same commit on its lines in the clone with that remote', async () => {
    const outcome = await open(anchor(GREET_SECOND, fixture.second, APP_SECOND), 'open');
    assert.equal(outcome.opened, 'file');
    assert.equal(outcome.note, undefined, 'nothing moved');
    assert.deepEqual(selectedLines(), { path: path.join(fixture.demo, 'src', 'app.ts'), start: 15, end: 18 });
  });

  it('lands on the lines where they moved since the anchor\'s commit, and says so', async () => {
    const outcome = await open(anchor(GREET_FIRST, fixture.first, APP_FIRST), 'open');
    assert.equal(outcome.note, `Lines moved to L15-L18 since ${fixture.first.slice(0, 7)}`);
    assert.deepEqual(selectedLines(), { path: path.join(fixture.demo, 'src', 'app.ts'), start: 15, end: 18 });
    await screenshot('code-anchor-2-jump-to-moved-lines');
  });

  it('follows a file renamed since the anchor\'s commit', async () => {
    const range = { startLine: 1, endLine: 3 };
    const outcome = await open(anchor(range, fixture.first, HELPER_FIRST, { path: 'src/old-name.ts' }), 'open');
    assert.equal(outcome.note, `Lines moved to L3-L5 since ${fixture.first.slice(0, 7)}`);
    assert.deepEqual(selectedLines(), { path: path.join(fixture.demo, 'src', 'new-name.ts'), start: 3, end: 5 });
  });

  it('finds the snippet when the anchor\'s commit is not in the clone', async () => {
    const unknown = 'a'.repeat(40);
    const outcome = await open(anchor(GREET_FIRST, unknown, APP_FIRST), 'open');
    assert.equal(outcome.note, 'Lines moved to L15-L18 since aaaaaaa');
    assert.deepEqual(selectedLines(), { path: path.join(fixture.demo, 'src', 'app.ts'), start: 15, end: 18 });
  });

  it('says when the code is gone, and offers the snapshot beside the current file', async () => {
    prompts.click(/is not in src\/app\.ts any more/, 'Compare with Snapshot');
    const outcome = await open(anchor({ startLine: 20, endLine: 22 }, fixture.first, APP_FIRST), 'open');
    assert.match(prompts.messages[0]?.text ?? '', new RegExp(`^The code of src/app.ts:L20-L22 @ ${fixture.first.slice(0, 7)} is not in src/app.ts any more`));
    assert.equal(prompts.messages[0]?.level, 'warning');
    assert.equal(outcome.opened, 'file');
    const input = await eventually(() => (activeTab()?.input instanceof vscode.TabInputTextDiff ? activeTab()!.input : undefined), 'a diff editor') as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'relay-chat-snapshot');
    assert.equal(input.modified.fsPath, path.join(fixture.demo, 'src', 'app.ts'));
    assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), lines(APP_FIRST, { startLine: 20, endLine: 22 }));
  });

  it('opens the read-only snapshot, titled with path, lines and commit, when no repository has the remote', async () => {
    const shared = anchor(GREET_FIRST, fixture.first, APP_FIRST, { git: { remote: 'github.com/someone/else', commit: fixture.first, dirty: false } });
    const outcome = await open(shared, 'open');
    assert.equal(outcome.opened, 'snapshot');
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.scheme, 'relay-chat-snapshot');
    assert.equal(path.posix.basename(editor.document.uri.path), `app.ts:L5-L8 @ ${fixture.first.slice(0, 7)}`);
    assert.equal(editor.document.getText(), shared.snippet);
    assert.equal(editor.document.languageId, 'typescript');
    assert.deepEqual({ start: editor.selection.start.line, end: editor.selection.end.line }, { start: 0, end: 3 });
    assert.equal(vscode.workspace.fs.isWritableFileSystem('relay-chat-snapshot'), undefined, 'no file system writes it: read-only');
    await screenshot('code-anchor-3-snapshot');
    // The snapshot action opens it even where the repository is here.
    assert.equal((await open(anchor(GREET_SECOND, fixture.second, APP_SECOND), 'snapshot')).opened, 'snapshot');
  });

  it('without a remote, opens the file in the workspace folder of the same name, else the snapshot', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.name;
    const todo: CodeAttachment = { kind: 'code', path: 'notes/todo.md', folder, range: { startLine: 3, endLine: 3 }, language: 'markdown', snippet: '- ship anchors' };
    assert.equal((await open(todo, 'open')).opened, 'file');
    assert.deepEqual(selectedLines(), { path: path.join(root, 'notes', 'todo.md'), start: 3, end: 3 });
    assert.equal((await open({ ...todo, folder: 'another-folder' }, 'open')).opened, 'snapshot');
  });

  it('opens the permalink on the web for a known host, and says there is none for another', async () => {
    const env = vscode.env as { openExternal: typeof vscode.env.openExternal };
    const original = env.openExternal;
    const external: string[] = [];
    env.openExternal = async (uri) => {
      external.push(uri.toString(true));
      return true;
    };
    try {
      const outcome = await open(anchor(GREET_FIRST, fixture.first, APP_FIRST), 'web');
      assert.equal(outcome.url, `https://github.com/relay/demo/blob/${fixture.first}/src/app.ts#L5-L8`);
      assert.deepEqual(external, [outcome.url]);
      const elsewhere = await open(anchor(GREET_FIRST, fixture.first, APP_FIRST, { git: { remote: 'code.example.org/relay/demo', commit: fixture.first, dirty: false } }), 'web');
      assert.equal(elsewhere.url, undefined);
      assert.match(prompts.messages.at(-1)?.text ?? '', /^No web page is known for code\.example\.org\/relay\/demo/);
      assert.equal(external.length, 1);
    } finally {
      env.openExternal = original;
    }
  });

  it('opens a shared diff file by file in the diff editor, from the changed regions it holds', async () => {
    const diff: DiffAttachment = { kind: 'diff', diff: diffBetween(fixture.origin, fixture.first, fixture.second), scope: 'working', base: fixture.first, remote: REMOTE };
    const outcome = await open(diff, 'diff');
    assert.equal(outcome.opened, 'changes');
    assert.deepEqual(outcome.files.map((file) => file.path), ['src/app.ts', 'src/new-name.ts']);
    const before = (await vscode.workspace.openTextDocument(vscode.Uri.parse(outcome.files[0]!.left))).getText();
    const after = (await vscode.workspace.openTextDocument(vscode.Uri.parse(outcome.files[0]!.right))).getText();
    assert.match(before, /^⋯ Only the changed regions are shown/);
    assert.match(before, /export function legacy/);
    assert.doesNotMatch(after, /export function legacy/);
    assert.match(after, /\/\/ added above, line 1\n/);
    await screenshot('code-anchor-4-diff');

    const one = await open({ ...diff, diff: diffBetween(fixture.origin, fixture.first, fixture.second, 'src/app.ts') }, 'diff');
    assert.equal(one.opened, 'diff');
    await eventually(() => activeTab()?.input instanceof vscode.TabInputTextDiff, 'the diff editor');
  });

  it('opens a shared diff on top of the clone at its base commit, and says when the patch does not apply', async () => {
    const diff: DiffAttachment = { kind: 'diff', diff: diffBetween(fixture.origin, fixture.first, fixture.second, 'src/app.ts'), scope: 'staged', base: fixture.first, remote: REMOTE };
    const outcome = await open(diff, 'checkout');
    assert.equal(outcome.opened, 'diff');
    assert.equal(outcome.note, `Opened on ${fixture.demo} at ${fixture.first.slice(0, 7)}.`);
    const [file] = outcome.files;
    assert.equal((await vscode.workspace.openTextDocument(vscode.Uri.parse(file!.left))).getText(), `${APP_FIRST.join('\n')}\n`);
    assert.equal((await vscode.workspace.openTextDocument(vscode.Uri.parse(file!.right))).getText(), `${APP_SECOND.join('\n')}\n`);
    await screenshot('code-anchor-5-diff-on-checkout');

    const stale = await open({ ...diff, base: fixture.second }, 'checkout');
    assert.equal(stale.opened, 'none');
    assert.deepEqual(stale.problems, [`src/app.ts: the patch does not apply at ${fixture.second.slice(0, 7)}`]);
    assert.match(prompts.messages.at(-1)?.text ?? '', /the patch does not apply/);

    const elsewhere = await open({ ...diff, remote: 'github.com/someone/else' }, 'checkout');
    assert.equal(elsewhere.opened, 'diff', 'the diff alone');
    assert.match(elsewhere.note ?? '', /^No repository here has the remote github\.com\/someone\/else with commit/);
  });

  it('links files and commits in a message that are here, and opens them; the rest stays text', async () => {
    await vscode.commands.executeCommand('relayChat.openGroupChat');
    const short = fixture.second.slice(0, 10);
    const text = `see demo/src/app.ts:16:3 and src/missing.ts:3, fixed in ${short}, not in deadbeefcafe1234`;
    const sent = bea.send(text, GENERAL);
    const message = await eventually(
      () => api.panels().find((panel) => panel.title === '#general')?.messages.find((m) => m.text === text && m.codeLinks),
      "bea's message with its links resolved",
    );
    assert.deepEqual(message.codeLinks, ['demo/src/app.ts:16:3', short]);
    const key = entryKey('bea', sent.id);

    assert.equal((await api.openCodeLink(GENERAL, key, 'demo/src/app.ts:16:3')).opened, 'file');
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, path.join(fixture.demo, 'src', 'app.ts'));
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [15, 2]);

    assert.equal((await api.openCodeLink(GENERAL, key, 'src/missing.ts:3')).opened, 'none');
    assert.equal((await api.openCodeLink(GENERAL, key, 'deadbeefcafe1234')).opened, 'none');
    assert.equal((await api.openCodeLink(GENERAL, key, 'src/app.ts:1')).opened, 'none', 'not a link of that message');

    assert.equal((await api.openCodeLink(GENERAL, key, short)).opened, 'commit');
    await eventually(() => activeTab()?.label.startsWith(fixture.second.slice(0, 7)), "the commit's changes");
  });
  it('shows an anchor bea sends as a card in the panel; clicking it lands on the moved lines', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('relayChat.openGroupChat');
    const code = anchor(GREET_FIRST, fixture.first, APP_FIRST);
    const sent = bea.send(composeText('this one greets', [code]), GENERAL, { attachments: [code] });
    const general = () => api.panels().find((panel) => panel.title === '#general');
    const message = await eventually(() => general()?.visible && general()?.messages.find((m) => m.from === 'bea' && m.attachments?.length === 1), "bea's anchor in #general");
    assert.equal(message.text, 'this one greets', 'the note, without the fallback');
    assert.deepEqual(message.attachments, [code]);
    await screenshot('code-anchor-1-card');

    const key = entryKey('bea', sent.id);
    if (workbenchDriven()) webviewClick(`.message[data-key="${key}"] button[data-attachment-action="open"][data-attachment-index="0"]`);
    else await api.fromWebview(GENERAL, { type: 'openAttachment', key, index: 0, action: 'open' });
    await eventually(() => vscode.window.activeTextEditor?.document.uri.fsPath === path.join(fixture.demo, 'src', 'app.ts'), 'the click to open app.ts', 20_000);
    assert.deepEqual(selectedLines(), { path: path.join(fixture.demo, 'src', 'app.ts'), start: 15, end: 18 });
    // What the webview names is looked up in the model: an index the message does not have opens nothing.
    assert.deepEqual(await api.openAttachment({ conversation: GENERAL, key, index: 3 }, 'open'), { note: 'that message has no such attachment' });
  });

  it('opens a code link clicked in the panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('relayChat.openGroupChat');
    const text = 'the helper is at demo/src/new-name.ts:3';
    const sent = bea.send(text, GENERAL);
    await eventually(() => api.panels().find((panel) => panel.title === '#general' && panel.visible)?.messages.find((m) => m.text === text && m.codeLinks), 'the link resolved');
    const key = entryKey('bea', sent.id);
    if (workbenchDriven()) webviewClick(`.message[data-key="${key}"] a[data-code-link="demo/src/new-name.ts:3"]`);
    else await api.fromWebview(GENERAL, { type: 'openCodeLink', key, link: 'demo/src/new-name.ts:3' });
    await eventually(() => vscode.window.activeTextEditor?.document.uri.fsPath === path.join(fixture.demo, 'src', 'new-name.ts'), 'the click to open new-name.ts', 20_000);
    assert.equal(vscode.window.activeTextEditor!.selection.active.line, 2);
  });
});
