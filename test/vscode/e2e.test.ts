/**
 * End to end, the way a user meets it: the packaged relay-chat.vsix installed into code-server,
 * driven through headless Chromium, with other users played by RelayClients (what the terminal
 * client is built on). First run: Chat: Connect asks for the server and name and handles a
 * taken name. Then, with both preset in the user settings: "Chat: Connect" from the palette, the
 * other user shows up in the Online Users tree, a click opens the private chat, messages go both
 * ways through the webview, the group chat, a server restart, a window reload, and scrolling
 * back through history. Screenshots go to test-output/ for people to look at.
 * `npm run test:vscode` packages the .vsix first.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
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
/** Roomy, so a test can write a long history quickly. */
const RELAY_RATE_LIMIT = { burst: 300, perSecond: 300 };
const UI_TIMEOUT = { timeout: 20_000 };

async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expectCount(locator: Locator, count: number): Promise<void> {
  await eventually(async () => ((await locator.count()) === count ? true : undefined), `${count} of ${locator}`);
}

describe('Relay Chat end to end in code-server', () => {
  let relay: RelayServer;
  let dataDir: string;
  let extensionsDir: string;
  let alice: RelayClient;
  const aliceReceived: ChatMessage[] = [];
  const clients: RelayClient[] = [];
  const folders: string[] = [];
  let codeServer: CodeServer | undefined;
  let browser: Chromium | undefined;

  function tempFolder(purpose: string): string {
    const folder = mkdtempSync(path.join(os.tmpdir(), `relay-e2e-${purpose}-`));
    folders.push(folder);
    return folder;
  }

  /** A second user, as the terminal client would be; closed after the tests. */
  function client(name: string): RelayClient {
    const relayClient = new RelayClient({ url: relay.url, name, rateLimit: RELAY_RATE_LIMIT });
    clients.push(relayClient);
    return relayClient;
  }

  async function openVsCode(settings: Record<string, unknown>): Promise<Page> {
    codeServer = await startCodeServer({ extensionsDir, workspaceDir: tempFolder('workspace'), settings });
    browser = await launchChromium();
    await openWorkbench(browser.page, codeServer);
    return browser.page;
  }

  before(async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first`);
    // On disk, so the server can be restarted in the middle of a test without forgetting anyone.
    dataDir = tempFolder('relay-data');
    relay = await startRelayServer({ port: 0, dataDir, rateLimit: RELAY_RATE_LIMIT });
    alice = client('alice');
    alice.on('message', (message) => aliceReceived.push(message));
    alice.connect();
    await eventually(() => (alice.state === 'online' ? true : undefined), 'alice online');
    extensionsDir = tempFolder('extensions');
    await installVsix(VSIX, extensionsDir);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      await saveScreenshot(browser.page, `e2e-failure-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
    }
    await browser?.close();
    await codeServer?.stop();
    browser = undefined;
    codeServer = undefined;
  });

  after(async () => {
    for (const relayClient of clients) await relayClient.close();
    await relay?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('asks for the server and name, remembers them, and offers another name when one is taken', async () => {
    const page = await openVsCode({});
    await openViewContainer(page, 'Relay Chat');
    const connectButton = page.locator('.pane-body').getByRole('button', { name: 'Connect' });
    await connectButton.waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-0-not-connected');
    await connectButton.click();

    const quickInput = page.locator('.quick-input-widget');
    const input = quickInput.locator('.quick-input-box input');
    await quickInput.locator('.quick-input-title', { hasText: 'Relay Chat: Server' }).waitFor(UI_TIMEOUT);
    assert.equal(await input.inputValue(), 'ws://127.0.0.1:4446', 'the default is offered');
    await input.fill('http://127.0.0.1:4446');
    await quickInput.getByText('The URL must start with ws:// or wss://').waitFor(UI_TIMEOUT);
    await input.fill(relay.url);
    await input.press('Enter');

    await quickInput.locator('.quick-input-title', { hasText: 'Relay Chat: Name' }).waitFor(UI_TIMEOUT);
    await input.fill('bad name');
    await quickInput.getByText('A name is 1 to 32 ASCII letters').waitFor(UI_TIMEOUT);
    await input.fill('alice');
    await input.press('Enter');

    const refusal = page.locator('.notification-toast', { hasText: 'The name "alice" is already taken' });
    await refusal.waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-0-name-taken');
    await refusal.getByRole('button', { name: 'Choose Another Name' }).click();
    await quickInput.getByText('Pick another name for the chat').waitFor(UI_TIMEOUT);
    await input.fill('bob');
    await input.press('Enter');
    await page.locator('.statusbar-item', { hasText: 'online as bob' }).waitFor(UI_TIMEOUT);

    const settingsFile = path.join(codeServer!.userDataDir, 'User', 'settings.json');
    const saved = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    assert.equal(saved['relayChat.serverUrl'], relay.url);
    assert.equal(saved['relayChat.userName'], 'bob');
  });

  it('connects from the palette, chats privately and in the group', async () => {
    const page = await openVsCode({ 'relayChat.serverUrl': relay.url, 'relayChat.userName': 'tester' });
    // The panels' Content-Security-Policy must not have to block anything the extension itself does.
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
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
    // The chat opens ready to type in.
    const focused = async (): Promise<true | undefined> =>
      (await input.evaluate((box) => box === document.activeElement)) ? true : undefined;
    await eventually(focused, 'focus in the message box');
    await input.pressSequentially('Sure! What is up?');
    await input.press('Enter');
    const sent = await eventually(() => aliceReceived.find((m) => m.from === 'tester'), 'alice gets the reply');
    assert.equal(sent.text, 'Sure! What is up?');
    assert.equal(sent.to, 'alice');

    alice.send('Can you look at **this**?\n\n```ts\nconst x: number = 1;\n```\nDocs: https://example.com/docs', 'tester');
    await chat.locator('.message .body pre code', { hasText: 'const x: number = 1;' }).waitFor(UI_TIMEOUT);
    // Links open through VS Code (which asks first), never inside the webview.
    const link = chat.locator('.message .body a[href="https://example.com/docs"]');
    await browser!.context.route('https://example.com/**', (route) => route.fulfill({ body: 'docs' }));
    const opened = browser!.context.waitForEvent('page');
    await link.click();
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Open', exact: true }).click();
    const docsPage = await opened;
    await docsPage.waitForURL('https://example.com/docs');
    await docsPage.close();
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
    alice.sendTyping();
    await group.locator('.typing', { hasText: 'alice is typing…' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-5-group-chat-sent');

    // The server goes away: the panel says so, keeps what is typed, and sends it once it is back.
    const port = relay.port;
    await relay.close();
    await group.locator('.connection', { hasText: 'Offline' }).waitFor(UI_TIMEOUT);
    await groupInput.pressSequentially('Typed while offline');
    await groupInput.press('Enter');
    await group.locator('.message.status-queued .state', { hasText: 'Waiting for the connection' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-6-offline');
    relay = await startRelayServer({ port, dataDir, rateLimit: RELAY_RATE_LIMIT });
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
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load');
    await page.locator('.monaco-workbench .activitybar').waitFor(UI_TIMEOUT);
    const restored = webviewFrame(page);
    await restored.locator('.connection', { hasText: 'Not connected.' }).waitFor(UI_TIMEOUT);
    assert.equal(await restored.getByLabel('Message the group').inputValue(), 'An unfinished thought');
    // Meanwhile carol writes a long private history that tester will scroll back through.
    const carol = client('carol');
    carol.connect();
    await eventually(() => (carol.state === 'online' ? true : undefined), 'carol online');
    for (let i = 1; i <= 120; i++) carol.send(`carol message ${i}`, 'tester');
    await eventually(() => (carol.pending.length === 0 ? true : undefined), 'all 120 stored');

    await restored.getByRole('button', { name: 'Connect' }).click();
    await restored.locator('.message .body', { hasText: 'Typed while offline' }).waitFor(UI_TIMEOUT);
    await page.locator('.statusbar-item', { hasText: 'online as tester' }).waitFor(UI_TIMEOUT);
    await treeRow(page, 'Online Users', 'alice').waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-8-restored-after-reload');

    // Scrolling up in carol's chat loads older pages until the beginning.
    await runCommand(page, 'Chat: Message User…');
    await page.locator('.quick-input-widget .quick-input-box input').fill('carol');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'carol' }).waitFor(UI_TIMEOUT);
    await page.keyboard.press('Enter');
    const history = webviewFrame(page);
    await history.locator('.message .body', { hasText: 'carol message 120' }).waitFor(UI_TIMEOUT);
    const messageList = history.locator('#messages');
    await expectCount(history.locator('.message'), 100);
    await messageList.evaluate((list) => list.scrollTo(0, 0));
    await history.locator('.history', { hasText: 'This is the beginning of the conversation.' }).waitFor(UI_TIMEOUT);
    await expectCount(history.locator('.message'), 120);
    assert.ok((await messageList.evaluate((list) => list.scrollTop)) > 0, 'the reader stays where they were');
    await messageList.evaluate((list) => list.scrollTo(0, 0));
    await history.locator('.message .body').getByText('carol message 1', { exact: true }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-9-history-loaded-by-scrolling');
    assert.deepEqual(blocked, []);
  });
});
