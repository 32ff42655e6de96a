/**
 * Sharing code inside a real VS Code: the window's folder is made a git repository here (a
 * commit, and a remote in its SSH spelling), "sam" (the extension's user) shares a selection of
 * one of its files to #general with Chat: Share Selection to…, which stages the anchor in the
 * panel's message box; the note is handed to the panel as its webview would send it, and "rita"
 * (a RelayClient) gets the message with the anchor: path, range, commit, normalised remote,
 * dirty flag. Then Chat: Share Changes… of a working-tree change sends a diff, and a diff over
 * the limit is refused with its size before anything is asked or sent.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { composeText } from '../../client/code-refs/fallback';
import { RelayClient } from '../../client/relay-client';
import type { ChatMessage, CodeAttachment, DiffAttachment } from '../../protocol';
import { gitApi, type GitRepository } from '../../extension/git/git-extension';
import type { RelayChatTestApi } from '../../extension/test-api';
import { activateExtension, eventually, serverUrl, settings } from './helpers';
import { prompts } from './prompts';

const GENERAL = { kind: 'channel' as const, channel: 'general' };
const REMOTE_URL = 'git@github.com:relay-chat/anchors-demo.git';
const GREET = ['export function greet(name: string): string {', "  const greeting = 'Hello';", '  return `${greeting}, ${name}!`;', '}', ''].join('\n');

describe('Relay Chat code anchors in VS Code', function () {
  this.timeout(40_000);
  let api: RelayChatTestApi;
  let rita: RelayClient;
  const ritaReceived: ChatMessage[] = [];
  let folder: vscode.WorkspaceFolder;
  let file: vscode.Uri;
  let commit: string;
  let repository: GitRepository;

  function git(...args: string[]): string {
    return execFileSync('git', args, { cwd: folder.uri.fsPath, encoding: 'utf8' }).trim();
  }

  function general(): ReturnType<RelayChatTestApi['panels']>[number] | undefined {
    return api.panels().find((panel) => panel.conversation.kind === 'channel' && panel.conversation.channel === 'general');
  }

  const pickGeneral = (items: readonly vscode.QuickPickItem[]) => items.find((item) => item.label.endsWith('#general'));

  async function select(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Promise<void> {
    const editor = await vscode.window.showTextDocument(file);
    editor.selection = new vscode.Selection(startLine, startCharacter, endLine, endCharacter);
  }

  before(async () => {
    api = await activateExtension();
    prompts.reset();
    const workspace = vscode.workspace.workspaceFolders?.[0];
    if (!workspace) throw new Error('the suite needs a folder open');
    folder = workspace;
    mkdirSync(path.join(folder.uri.fsPath, 'src'), { recursive: true });
    writeFileSync(path.join(folder.uri.fsPath, 'src', 'greet.ts'), GREET);
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'sam@example.com');
    git('config', 'user.name', 'Sam');
    git('add', '.');
    git('commit', '-q', '-m', 'greet');
    git('remote', 'add', 'origin', REMOTE_URL);
    commit = git('rev-parse', 'HEAD');
    file = vscode.Uri.joinPath(folder.uri, 'src', 'greet.ts');

    const api_ = await gitApi();
    assert.ok(api_, "VS Code's git extension is there");
    await vscode.commands.executeCommand('git.openRepository', folder.uri.fsPath);
    repository = await eventually(() => {
      const found = api_.getRepository(file);
      return found?.state.HEAD?.commit === commit && found.state.remotes.length > 0 ? found : undefined;
    }, 'the git extension to see the repository, its commit and remote');

    await vscode.commands.executeCommand('relayChat.disconnect');
    await settings().update('serverUrl', serverUrl(), vscode.ConfigurationTarget.Global);
    await settings().update('userName', 'sam', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'sam online');
    rita = new RelayClient({ url: serverUrl(), name: 'rita', protocol: 2 });
    rita.on('message', (message) => ritaReceived.push(message));
    rita.connect();
    await eventually(() => rita.state === 'online', 'rita online');
  });

  after(async () => {
    prompts.reset();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('relayChat.disconnect');
    await rita.close();
    await settings().update('userName', 'tester', vscode.ConfigurationTarget.Global);
  });

  it('stages the anchor of a selection in the chosen channel, keeps it while the panel is hidden, and sends it with the note', async () => {
    // Lines 2 and 3, selected down to the start of line 4.
    await select(1, 0, 3, 0);
    prompts.choose(pickGeneral);
    await vscode.commands.executeCommand('relayChat.shareSelection');
    const expected: CodeAttachment = {
      kind: 'code',
      path: 'src/greet.ts',
      folder: folder.name,
      range: { startLine: 2, endLine: 3 },
      language: 'typescript',
      snippet: "  const greeting = 'Hello';\n  return `${greeting}, ${name}!`;",
      git: { remote: 'github.com/relay-chat/anchors-demo', commit, dirty: false },
    };
    const staged = await eventually(() => general()?.staged[0], 'the anchor staged in #general');
    assert.deepEqual(staged, expected);
    assert.ok(!ritaReceived.some((message) => message.from === 'sam'), 'nothing is sent before Enter');

    // The editor over the panel hides it (its webview is torn down); shown again, the anchor is still there.
    await vscode.window.showTextDocument(file);
    await eventually(() => general()?.visible === false, 'the panel hidden');
    await vscode.commands.executeCommand('relayChat.openGroupChat');
    await eventually(() => general()?.visible === true, 'the panel shown again');
    assert.deepEqual(general()?.staged, [expected]);

    await api.fromWebview(GENERAL, { type: 'send', text: 'greet() builds the greeting here' });
    const received = await eventually(() => ritaReceived.find((message) => message.from === 'sam'), 'rita gets the anchor');
    assert.deepEqual(received.attachments, [expected]);
    assert.equal(received.text, composeText('greet() builds the greeting here', [expected]));
    assert.match(received.text, /^greet\(\) builds the greeting here\n\n/, 'the note, then the fallback for clients without attachments');
    const shown = await eventually(() => general()?.messages.find((message) => message.status === 'sent' && message.attachments), 'the sent message');
    assert.equal(shown.text, 'greet() builds the greeting here', 'the panel shows the note, not the fallback');
    assert.deepEqual(general()?.staged, [], 'the message box is empty once sent');
  });

  it('marks an anchor of a changed file dirty, with columns for part of a line, and Remove takes it out of the message box', async () => {
    appendFileSync(file.fsPath, 'export const farewell = "bye";\n');
    await eventually(() => repository.state.workingTreeChanges.some((change) => change.uri.fsPath === file.fsPath), 'git to see the change');
    // "greeting" in line 2: characters 8 to 15.
    await select(1, 8, 1, 16);
    prompts.choose(pickGeneral);
    await vscode.commands.executeCommand('relayChat.shareSelection');
    const staged = await eventually(() => general()?.staged[0], 'the anchor staged');
    assert.equal(staged.kind === 'code' && staged.snippet, 'greeting');
    assert.deepEqual(staged.kind === 'code' && staged.range, { startLine: 2, endLine: 2, startColumn: 9, endColumn: 16 });
    assert.deepEqual(staged.kind === 'code' && staged.git, { remote: 'github.com/relay-chat/anchors-demo', commit, dirty: true });

    await api.fromWebview(GENERAL, { type: 'unstage', index: 0 });
    await eventually(() => general()?.staged.length === 0, 'the anchor taken out');
    prompts.reset();
  });

  it("Share Changes… from the palette sends the working tree's diff, based on HEAD", async () => {
    const before = ritaReceived.length;
    prompts.choose((items) => items.find((item) => item.label === 'Working Tree Changes'));
    prompts.choose(pickGeneral);
    await vscode.commands.executeCommand('relayChat.shareChanges');
    const staged = await eventually(() => general()?.staged[0], 'the diff staged');
    assert.equal(staged.kind, 'diff');
    await api.fromWebview(GENERAL, { type: 'send', text: '' });
    const received = await eventually(() => ritaReceived.slice(before).find((message) => message.from === 'sam' && message.attachments), 'rita gets the diff');
    const diff = received.attachments?.[0] as DiffAttachment;
    assert.deepEqual({ ...diff, diff: '' }, { kind: 'diff', diff: '', scope: 'working', base: commit, remote: 'github.com/relay-chat/anchors-demo', folder: folder.name });
    assert.match(diff.diff, /^diff --git a\/src\/greet\.ts b\/src\/greet\.ts\n/);
    assert.match(diff.diff, /\n\+export const farewell = "bye";\n/);
    assert.equal(received.text, composeText('', [diff]), 'no note: the text is the fallback alone');
    prompts.reset();
  });

  it('refuses a diff over the limit with its size and the limit, before asking where to send it', async () => {
    appendFileSync(file.fsPath, `${'// a long line of filler to make the diff large\n'.repeat(1700)}`);
    // What the SCM view passes for a changed file: its resource state.
    await vscode.commands.executeCommand('relayChat.shareChanges', { resourceUri: file });
    const refusal = await eventually(() => prompts.messages.find((message) => message.level === 'error'), 'the refusal');
    assert.match(refusal.text, /^Relay Chat: This diff is (8\d) KiB; Relay Chat can send up to 56 KiB\.$/);
    assert.deepEqual(general()?.staged, [], 'nothing staged');
    prompts.reset();

    git('checkout', '--', 'src/greet.ts');
    await vscode.commands.executeCommand('relayChat.shareChanges', file);
    const nothing = await eventually(() => prompts.messages.find((message) => message.level === 'error'), 'nothing to share');
    assert.equal(nothing.text, 'Relay Chat: greet.ts has no changes to share.');
    prompts.reset();
  });
});
