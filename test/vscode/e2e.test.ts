/**
 * End to end, the way a user meets it: the packaged relay-chat.vsix installed into code-server,
 * driven through headless Chromium. "Chat: Connect" from the palette (server URL and name come
 * from the user settings), a second user (a RelayClient, as the terminal client uses) shows up
 * in the Online Users tree, a click opens the private chat, and messages go both ways through
 * the webview. Screenshots go to test-output/ for people to look at.
 * `npm run test:vscode` packages the .vsix first.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RelayClient } from '../../client/relay-client';
import type { ChatMessage } from '../../protocol';
import { startRelayServer, type RelayServer } from '../../server';
import {
  installVsix,
  launchChromium,
  openViewContainer,
  openWorkbench,
  repoRoot,
  runCommand,
  saveScreenshot,
  startCodeServer,
  treeRow,
  webviewFrame,
  type Chromium,
  type CodeServer,
} from '../harness';

const VSIX = path.join(repoRoot, 'relay-chat.vsix');
const UI_TIMEOUT = { timeout: 20_000 };

async function eventually<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Relay Chat end to end in code-server', () => {
  let relay: RelayServer;
  let dataDir: string;
  let codeServer: CodeServer;
  let browser: Chromium;
  let alice: RelayClient;
  const aliceReceived: ChatMessage[] = [];
  const folders: string[] = [];

  function tempFolder(purpose: string): string {
    const folder = mkdtempSync(path.join(os.tmpdir(), `relay-e2e-${purpose}-`));
    folders.push(folder);
    return folder;
  }

  before(async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first`);
    // On disk, so the server can be restarted in the middle of the test without forgetting anyone.
    dataDir = tempFolder('relay-data');
    relay = await startRelayServer({ port: 0, dataDir });
    alice = new RelayClient({ url: relay.url, name: 'alice' });
    alice.on('message', (message) => aliceReceived.push(message));
    alice.connect();
    await eventually(() => (alice.state === 'online' ? true : undefined), 'alice online');

    const extensionsDir = tempFolder('extensions');
    await installVsix(VSIX, extensionsDir);
    codeServer = await startCodeServer({
      extensionsDir,
      workspaceDir: tempFolder('workspace'),
      settings: { 'relayChat.serverUrl': relay.url, 'relayChat.userName': 'tester' },
    });
    browser = await launchChromium();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) await saveScreenshot(browser.page, 'e2e-failure');
  });

  after(async () => {
    await browser?.close();
    await codeServer?.stop();
    await alice?.close();
    await relay?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('connects from the palette, chats privately and in the group', async () => {
    const { page } = browser;
    await openWorkbench(page, codeServer);
    await runCommand(page, 'Chat: Connect');
    await page.locator('.statusbar-item', { hasText: 'online as tester' }).waitFor(UI_TIMEOUT);

    await openViewContainer(page, 'Relay Chat');
    await treeRow(page, 'Online Users', 'tester').waitFor(UI_TIMEOUT);
    const aliceRow = treeRow(page, 'Online Users', 'alice');
    await aliceRow.waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-1-online-users');

    // A private message while no chat is open: unread count on her row, and a notification.
    alice.send('hi tester, got a minute?', 'tester');
    await aliceRow.locator('.label-description', { hasText: '1 unread' }).waitFor(UI_TIMEOUT);
    await page.locator('.notification-toast', { hasText: 'alice: hi tester, got a minute?' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-2-unread-and-notification');

    await runCommand(page, 'Notifications: Clear All Notifications');
    await aliceRow.click();
    const chat = webviewFrame(page);
    await chat.locator('.message .body', { hasText: 'hi tester, got a minute?' }).waitFor(UI_TIMEOUT);
    const input = chat.getByLabel('Message alice');
    await input.click();
    await input.pressSequentially('Sure! What is up?');
    await input.press('Enter');
    const sent = await eventually(() => aliceReceived.find((m) => m.from === 'tester'), 'alice gets the reply');
    assert.equal(sent.text, 'Sure! What is up?');
    assert.equal(sent.to, 'alice');

    alice.send('Can you look at **this**?\n\n```ts\nconst x: number = 1;\n```\nDocs: https://example.com/docs', 'tester');
    await chat.locator('.message .body pre code', { hasText: 'const x: number = 1;' }).waitFor(UI_TIMEOUT);
    await chat.locator('.message .body a[href="https://example.com/docs"]').waitFor(UI_TIMEOUT);
    assert.equal(await chat.locator('.message .body strong').innerText(), 'this');
    await chat.locator('.message.mine .body', { hasText: 'Sure! What is up?' }).waitFor(UI_TIMEOUT);
    assert.equal(await chat.locator('.message.mine .state').count(), 0, 'the acked message is no longer pending');
    await saveScreenshot(page, 'e2e-3-private-chat');

    // Group messages while the group chat is not open: read later, below a "New messages" divider.
    alice.send('Morning all!');
    await page.locator('.statusbar-item', { hasText: 'online as tester (1 unread)' }).waitFor(UI_TIMEOUT);
    await runCommand(page, 'Chat: Open Group Chat');
    const group = webviewFrame(page);
    await group.locator('.divider.unread + .message .body', { hasText: 'Morning all!' }).waitFor(UI_TIMEOUT);
    alice.send('Standup in 5 minutes.');
    await group.locator('.message .body', { hasText: 'Standup in 5 minutes.' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-4-group-chat-new-messages');
    // Two messages in a row from alice: one header.
    assert.equal(await group.locator('.message.first .from', { hasText: 'alice' }).count(), 1);
    assert.equal(await group.locator('.message.continued').count(), 1);
    const groupInput = group.getByLabel('Message the group');
    await groupInput.click();
    await groupInput.pressSequentially('On my way');
    await groupInput.press('Enter');
    const groupMessage = await eventually(
      () => aliceReceived.find((m) => m.from === 'tester' && m.to === undefined),
      'alice gets the group message',
    );
    assert.equal(groupMessage.text, 'On my way');
    await group.locator('.message.mine .body', { hasText: 'On my way' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-5-group-chat-sent');

    // The server goes away: the panel says so, keeps what is typed, and sends it once it is back.
    const port = relay.port;
    await relay.close();
    await group.locator('.connection', { hasText: 'Offline' }).waitFor(UI_TIMEOUT);
    await groupInput.pressSequentially('Typed while offline');
    await groupInput.press('Enter');
    await group.locator('.message.status-queued .state', { hasText: 'Waiting for the connection' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-6-offline');
    relay = await startRelayServer({ port, dataDir });
    await group.locator('.connection').waitFor({ state: 'hidden', timeout: 45_000 });
    await eventually(() => aliceReceived.find((m) => m.text === 'Typed while offline'), 'the queued message', 45_000);
    await group.locator('.message.mine.status-sent .body', { hasText: 'Typed while offline' }).waitFor(UI_TIMEOUT);
    await alice.requestHistory({ limit: 1 }); // one more round trip: a duplicate would have arrived by now
    assert.equal(aliceReceived.filter((m) => m.text === 'Typed while offline').length, 1);

    // Left unsent; it should survive the window reload below.
    await groupInput.pressSequentially('An unfinished thought');
    await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
    await page.locator('.monaco-workbench.vs-dark').waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-7-group-chat-dark');

    // A window reload brings the panels back, with the unsent draft; Connect in the panel reconnects
    // under the same name (its session secret survived in the secret storage).
    await page.reload();
    await page.locator('.monaco-workbench .activitybar').waitFor(UI_TIMEOUT);
    const restored = webviewFrame(page);
    await restored.locator('.connection', { hasText: 'Not connected.' }).waitFor(UI_TIMEOUT);
    assert.equal(await restored.getByLabel('Message the group').inputValue(), 'An unfinished thought');
    await restored.getByRole('button', { name: 'Connect' }).click();
    await restored.locator('.message .body', { hasText: 'Typed while offline' }).waitFor(UI_TIMEOUT);
    await page.locator('.statusbar-item', { hasText: 'online as tester' }).waitFor(UI_TIMEOUT);
    await treeRow(page, 'Online Users', 'alice').waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-8-restored-after-reload');
  });
});
