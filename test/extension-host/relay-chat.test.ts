/**
 * Relay Chat inside a real VS Code: runs the commands, reads the sidebar's sections, the badge,
 * the status bar and the panels through the extension's test API, with a second user played
 * by a RelayClient. The relay server is started by whoever launched VS Code; its URL comes in
 * RELAY_CHAT_TEST_SERVER_URL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { RelayClient } from '../../client/relay-client';
import { LIMITS, type ChatMessage } from '../../protocol';
import { CONVERSATION_VIEW_TYPE, LEGACY_GROUP_VIEW_TYPE, LEGACY_PRIVATE_VIEW_TYPE } from '../../extension/chat-panel';
import type { RelayChatTestApi, SidebarRowView } from '../../extension/test-api';
import { activateExtension, EXTENSION_ID, eventually, serverUrl, settings } from './helpers';

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('Relay Chat in VS Code', () => {
  let api: RelayChatTestApi;
  let alice: RelayClient;
  const aliceReceived: ChatMessage[] = [];

  function section(name: string): SidebarRowView[] {
    return api.sidebar().find((entry) => entry.section === name)?.rows ?? [];
  }

  before(async () => {
    api = await activateExtension();
    alice = new RelayClient({ url: serverUrl(), name: 'alice' });
    alice.on('message', (message) => aliceReceived.push(message));
    alice.connect();
    await eventually(() => alice.state === 'online', 'alice online');
  });

  after(async () => {
    await vscode.commands.executeCommand('relayChat.disconnect');
    await alice.close();
  });

  it('contributes its commands and stays disconnected until asked', async () => {
    const commands = await vscode.commands.getCommands(true);
    const ids = ['connect', 'disconnect', 'reconnect', 'changeServer', 'showLog', 'openGroupChat', 'messageUser', 'shareSelection', 'shareChanges'];
    for (const id of [...ids, 'signOut', 'changePassword', 'manageDevices']) {
      assert.ok(commands.includes(`relayChat.${id}`), `relayChat.${id} is registered`);
    }
    assert.equal(api.connectionState(), 'disconnected');
    assert.deepEqual(api.sidebar(), []);
    // Before the first connect the status bar has a quiet way in.
    assert.equal(api.statusBarText(), '$(plug) Relay Chat: Connect');
    assert.equal(api.statusBarCommand(), 'relayChat.connect');
  });

  it('says a server that cannot be reached is unreachable, and Reconnect Now does not wait for the backoff', async () => {
    // A port that refuses connections until the test opens it, as a proxy to the relay server.
    const relay = new URL(serverUrl());
    const piped = new Set<net.Socket>();
    const proxy = net.createServer((socket) => {
      const upstream = net.connect(Number(relay.port), relay.hostname);
      piped.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    const port = await freePort();
    try {
      await settings().update('serverUrl', `ws://127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
      await settings().update('userName', 'tester', vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('relayChat.connect');
      await eventually(() => api.connectionState() === 'offline', 'offline');
      assert.match(api.statusBarText(), /^\$\(warning\) Chat: server unreachable/);
      assert.equal(api.statusBarCommand(), 'relayChat.reconnect');
      // Wait until the backoff has grown past what the reconnect below is allowed to take.
      await eventually(() => Number(/retrying in (\d+) s/.exec(api.statusBarText())?.[1] ?? 0) >= 4, 'a long wait', 20_000);
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
      await vscode.commands.executeCommand('relayChat.reconnect');
      await eventually(() => api.connectionState() === 'online', 'online at once', 2500);
    } finally {
      await vscode.commands.executeCommand('relayChat.disconnect');
      for (const socket of piped) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('lists only the activation events VS Code does not derive from its contributions', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      activationEvents: string[];
      contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
    };
    const implied = [
      ...Object.values(manifest.contributes.views).flatMap((views) => views.map((view) => `onView:${view.id}`)),
      ...manifest.contributes.commands.map(({ command }) => `onCommand:${command}`),
    ];
    assert.deepEqual(manifest.activationEvents.filter((event) => implied.includes(event)), []);
    // Nothing in `contributes` names a webview panel: restoring one after a reload activates the
    // extension (and its serializers) through these alone, for panels saved by older versions too.
    for (const viewType of [CONVERSATION_VIEW_TYPE, LEGACY_GROUP_VIEW_TYPE, LEGACY_PRIVATE_VIEW_TYPE]) {
      assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${viewType}`), viewType);
    }
  });

  it('connects with the configured server and name, and lists who is online', async () => {
    await settings().update('serverUrl', serverUrl(), vscode.ConfigurationTarget.Global);
    await settings().update('userName', 'tester', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'online');
    assert.equal(api.statusBarText(), '$(comment-discussion) online as tester');
    await eventually(() => section('Online').length === 2, 'two users online');
    assert.deepEqual(api.sidebar(), [
      { section: 'Channels', rows: [{ label: '#general', icon: 'comment-discussion' }] },
      { section: 'Direct Messages', rows: [] },
      {
        section: 'Online',
        rows: [
          { label: 'tester', description: '(you)', icon: 'circle-filled' },
          { label: 'alice', icon: 'circle-filled' },
        ],
      },
    ]);
  });

  it('counts direct messages as unread on the conversation and on the badge', async () => {
    alice.send('are you there?', 'tester');
    await eventually(() => api.badge() === 1, 'badge 1');
    assert.deepEqual(section('Direct Messages'), [{ label: 'alice', description: '1 unread', icon: 'circle-filled', highlighted: true, badge: '1' }]);
    // The Online row only links to the conversation: the count is shown once.
    assert.deepEqual(section('Online')[1], { label: 'alice', icon: 'circle-filled' });
  });

  it('opens one direct panel per user, showing the conversation and reading it', async () => {
    await vscode.commands.executeCommand('relayChat.messageUser', 'alice');
    const panel = await eventually(
      () => api.panels().find((p) => p.conversation.kind === 'direct' && p.messages.length > 0),
      'direct panel with messages',
    );
    assert.equal(panel.title, 'alice');
    assert.deepEqual(panel.messages, [{ from: 'alice', text: 'are you there?', status: 'received' }]);
    assert.equal(api.badge(), undefined);
    assert.deepEqual(section('Direct Messages'), [{ label: 'alice', icon: 'circle-filled' }]);

    await vscode.commands.executeCommand('relayChat.messageUser', 'ALICE');
    assert.equal(api.panels().length, 1, 'the same panel is revealed');
  });

  it('opens the chat of the tree node the view toolbar passes while a row has focus', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(() => api.panels().length === 0, 'the panels to close');
    // What VS Code hands a view/title command when a row of the tree has focus: its element.
    const focusedRow = { name: 'alice', online: true, self: false, unread: 0 };
    await vscode.commands.executeCommand('relayChat.messageUser', focusedRow);
    const panel = await eventually(() => api.panels()[0], "alice's panel");
    assert.deepEqual(panel.conversation, { kind: 'direct', with: 'alice' });
  });

  it('refuses a selection over the snippet limit before asking where to share it', async () => {
    const document = await vscode.workspace.openTextDocument({ content: 'x'.repeat(LIMITS.snippetMaxLength + 1) });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 0, LIMITS.snippetMaxLength + 1);
    const sharing = vscode.commands.executeCommand('relayChat.shareSelection');
    const finished = await Promise.race([sharing.then(() => true), new Promise<false>((resolve) => setTimeout(resolve, 3000, false))]);
    if (!finished) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    assert.ok(finished, 'it said so at once, without a conversation picker first');
  });

  it("stages the editor selection as an anchor in the conversation's message box, and Enter sends it", async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'const answer = 42;\n' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    await vscode.commands.executeCommand('relayChat.shareSelection', { kind: 'direct', with: 'alice' });
    const staged = await eventually(() => api.panels()[0]?.staged[0], 'the anchor staged');
    // An untitled document is in no folder and no repository: its name is all there is.
    assert.ok(staged.kind === 'code');
    assert.match(staged.path, /^Untitled-\d+$/);
    assert.deepEqual({ ...staged, path: '' }, { kind: 'code', path: '', range: { startLine: 1, endLine: 1 }, language: 'typescript', snippet: 'const answer = 42;' });
    assert.ok(!aliceReceived.some((m) => m.from === 'tester'), 'nothing sent before Enter');

    await api.fromWebview({ kind: 'direct', with: 'alice' }, { type: 'send', text: '' });
    const shared = await eventually(() => aliceReceived.find((m) => m.from === 'tester'), 'alice gets the anchor');
    assert.equal(shared.to, 'alice');
    assert.deepEqual(shared.attachments, [staged]);
    await eventually(
      () => api.panels()[0]?.messages.some((m) => m.attachments && m.status === 'sent'),
      'the panel shows it as sent',
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('counts #general\'s unread messages on its row (not on the badge: no mention), and shows them in its panel', async () => {
    alice.send('hello everyone');
    await eventually(() => section('Channels')[0]?.badge === '1', "#general's badge");
    assert.deepEqual(section('Channels'), [{ label: '#general', description: '1 unread', icon: 'comment-discussion', highlighted: true, badge: '1' }]);
    assert.equal(api.badge(), undefined);
    await vscode.commands.executeCommand('relayChat.openGroupChat');
    const general = await eventually(
      () => api.panels().find((p) => p.conversation.kind === 'channel' && p.messages.length > 0),
      '#general panel with the message',
    );
    assert.equal(general.title, '#general');
    assert.deepEqual(general.conversation, { kind: 'channel', channel: 'general' });
    assert.deepEqual(general.messages, [{ from: 'alice', text: 'hello everyone', status: 'received' }]);
    await eventually(() => section('Channels')[0]?.badge === undefined, 'read');
    assert.deepEqual(section('Channels'), [{ label: '#general', icon: 'comment-discussion' }]);
  });

  it('shares to #general when the view toolbar passes its row', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(() => api.panels().length === 0, 'the panels to close');
    // The toolbar's Share Selection / Message User get the focused row; #general's names the channel.
    const document = await vscode.workspace.openTextDocument({ content: 'shared to #general\n' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    await vscode.commands.executeCommand('relayChat.shareSelection', { kind: 'conversation', conversation: { kind: 'channel', channel: 'general' }, unread: 0 });
    await eventually(() => api.panels().find((p) => p.conversation.kind === 'channel')?.staged.length === 1, "staged in #general's panel");
    await api.fromWebview({ kind: 'channel', channel: 'general' }, { type: 'send', text: 'to everyone' });
    const shared = await eventually(() => aliceReceived.find((m) => m.from === 'tester' && m.attachments?.[0]?.kind === 'code' && m.attachments[0].snippet === 'shared to #general'), 'alice gets it');
    assert.equal(shared.to, undefined, 'to #general, not to a person');
    await eventually(() => api.panels().find((p) => p.conversation.kind === 'channel'), 'the #general panel');
    // The panel opened as the group's active editor; close the document, not it.
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    assert.equal(api.panels().length, 1);
  });

  it('gives the chat tabs an icon for light and for dark themes', () => {
    assert.ok(api.panels().length > 0);
    for (const panel of api.panels()) {
      assert.ok(panel.icon, `${panel.title} has a tab icon`);
      assert.notEqual(panel.icon.light, panel.icon.dark);
      for (const file of [panel.icon.light, panel.icon.dark]) assert.match(readFileSync(file, 'utf8'), /^<svg /);
    }
  });

  it('reports a taken name and stays off', async () => {
    await vscode.commands.executeCommand('relayChat.disconnect');
    await settings().update('userName', 'ALICE', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'closed', 'refused');
    assert.equal(api.statusBarText(), '$(circle-slash) Chat: disconnected');
    await settings().update('userName', 'tester', vscode.ConfigurationTarget.Global);
  });

  it("keeps the name's session across spellings of the server's URL", async () => {
    const otherSpelling = serverUrl().replace('127.0.0.1', 'localhost');
    assert.notEqual(otherSpelling, serverUrl());
    // `constructor` is a key every plain object already has: its secret must be kept like any other.
    for (const name of ['tester', 'constructor']) {
      await vscode.commands.executeCommand('relayChat.disconnect');
      await settings().update('userName', name, vscode.ConfigurationTarget.Global);
      for (const url of [serverUrl(), otherSpelling]) {
        await settings().update('serverUrl', url, vscode.ConfigurationTarget.Global);
        await vscode.commands.executeCommand('relayChat.connect');
        await eventually(() => api.connectionState() !== 'connecting' && api.connectionState() !== 'offline', `${name} on ${url}`);
        assert.equal(api.statusBarText(), `$(comment-discussion) online as ${name}`, `${name} on ${url}`);
        await vscode.commands.executeCommand('relayChat.disconnect');
      }
    }
    await settings().update('serverUrl', serverUrl(), vscode.ConfigurationTarget.Global);
    await settings().update('userName', 'tester', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'online again');
  });

  it('disconnects, leaving the panels open and saying so', async () => {
    await vscode.commands.executeCommand('relayChat.disconnect');
    assert.equal(api.connectionState(), 'disconnected');
    assert.deepEqual(api.sidebar(), []);
    await eventually(
      () => api.panels().some((p) => p.visible && p.connection === 'disconnected'),
      'the visible panel shows it is disconnected',
    );
  });
});
