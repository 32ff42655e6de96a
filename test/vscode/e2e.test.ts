/**
 * End to end, the way a user meets it: the packaged relay-chat.vsix installed into code-server,
 * driven through headless Chromium as "tester", chatting with the other user through the real
 * terminal client. Who plays whom:
 *
 * - "alice" is the `relay-chat` terminal client itself (`node dist/client/cli.js --batch`), a
 *   child process whose stdin stays open for the whole run: every line the test writes to it is
 *   sent (`/msg tester text` privately, a plain line to the group), and the messages it prints
 *   are what it received. She shows up in the sidebar's Online section, gets the private message typed
 *   in the webview and answers it, posts to the group, rides out the server restart, and at the
 *   end she exits 0 once her input is closed, having printed each message for her exactly once.
 * - "bob" and "carol" are RelayClients (the terminal client's core, in this process) for what a
 *   terminal client cannot do: bob holds the name that first run finds taken, sends a multi-line
 *   markdown message with a code block, shows the typing indicator and checks that the message
 *   queued offline is stored exactly once; carol writes the long history that is paged through.
 *
 * First run: Chat: Connect asks for the server, the name and a password (left empty: the server is
 * open to everyone) and handles a taken name. Then, with both
 * preset in the user settings: "Chat: Connect" from the palette, alice in the tree, a click opens
 * the private chat, messages go both ways through the webview, the group chat, a server restart,
 * a window reload, and scrolling back through history. Screenshots go to test-output/ for people
 * to look at. `npm run test:vscode` packages the .vsix (and builds dist/client/cli.js) first.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { RelayClient } from '../../client/relay-client';
import type { ChatMessage } from '../../protocol';
import { startRelayServer, type RelayServer } from '../../server';
import { DATABASE_FILE } from '../../server/store/sqlite-database';
import {
  clickRow,
  installVsix,
  launchChromium,
  openViewContainer,
  openWorkbench,
  repoRoot,
  runCommand,
  saveScreenshot,
  startCodeServer,
  startCommand,
  treeRow,
  webviewFrame,
  type Chromium,
  type CodeServer,
} from '../harness';

const VSIX = path.join(repoRoot, 'relay-chat.vsix');
/** The terminal client, `relay-chat`, as built by `npm run build` / `npm run package`. */
const TERMINAL_CLIENT = path.join(repoRoot, 'dist', 'client', 'cli.js');
/** Roomy, so a test can write a long history quickly. */
const RELAY_RATE_LIMIT = { burst: 300, perSecond: 300 };
const UI_TIMEOUT = { timeout: 20_000 };
const THREE_DAYS_MS = 3 * 24 * 60 * 60 * 1000;

async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string | (() => string),
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expectCount(locator: Locator, count: number): Promise<void> {
  await eventually(async () => ((await locator.count()) === count ? true : undefined), `${count} of ${locator}`);
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Moves every group message stored in `dataDir` `ms` into the past; the server must be stopped. */
function backdateGroupMessages(dataDir: string, ms: number): void {
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  try {
    db.prepare('UPDATE messages SET ts = ts - ? WHERE recipient_name IS NULL').run(ms);
  } finally {
    db.close();
  }
}

/** A loopback port that refuses connections: one the system handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `[12:03] ` or `[2025-11-20 12:03] `, as the terminal client starts each message. */
const TIME_PREFIX = /^\[(?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}\] /;

/**
 * The real terminal client in batch mode, a child process with its stdin held open: `type` sends
 * a line as if a script (or a person) had written it, `messages` is what it printed.
 */
class TerminalClient {
  /** Every line it printed to stdout, as printed. */
  readonly stdout: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly killOnExit = (): void => {
    this.child.kill('SIGKILL');
  };

  constructor(
    readonly name: string,
    url: string,
    configDir: string,
  ) {
    this.child = spawn(process.execPath, [TERMINAL_CLIENT, '--batch', '--url', url, '--name', name], {
      env: { ...process.env, RELAY_CHAT_CONFIG_DIR: configDir, NO_COLOR: '1' },
      stdio: 'pipe',
    });
    // Should this test process end without stop(), the client must not outlive it.
    process.once('exit', this.killOnExit);
    readline.createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (line) => this.stdout.push(line));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    // Writing to a client that already died is reported by its exit code, not as a crash here.
    this.child.stdin.on('error', (error) => (this.stderr += `[test] stdin: ${error.message}\n`));
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.stderr += `[test] ${error.message}\n`;
        resolve({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => {
        process.removeListener('exit', this.killOnExit);
        resolve({ code, signal });
      });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** One line of input: `/msg NAME text` is private, anything else goes to the group. */
  type(line: string): void {
    assert.ok(this.running, `${this.name}'s terminal client is no longer running\n${this.describe()}`);
    this.child.stdin.write(`${line}\n`);
  }

  /** What it printed, without the time: `tester → you: hi` (private), `#general tester: hi` (a channel: each line names it). */
  messages(): string[] {
    return this.stdout.filter((line) => TIME_PREFIX.test(line)).map((line) => line.replace(TIME_PREFIX, ''));
  }

  /** Waits until it has printed `message` (as in `messages()`). */
  async received(message: string, timeoutMs?: number): Promise<void> {
    await eventually(
      () => (this.messages().includes(message) ? true : undefined),
      () => `${this.name}'s terminal client to print ${JSON.stringify(message)}\n${this.describe()}`,
      timeoutMs,
    );
  }

  /** Ends its input, as a script does when it is done: the client exits once every line is stored. */
  async endInput(timeoutMs = 15_000): Promise<number | null> {
    this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name}'s terminal client did not exit within ${timeoutMs} ms of its input ending\n${this.describe()}`)),
        timeoutMs,
      );
    });
    try {
      const { code, signal } = await Promise.race([this.exited, timedOut]);
      assert.equal(signal, null, `${this.name}'s terminal client was killed by ${signal}\n${this.describe()}`);
      return code;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM, then SIGKILL after 3 s: for a test that failed with the client still running. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 3000);
    });
    await Promise.race([this.exited, grace]);
    clearTimeout(timer);
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  describe(): string {
    return `--- stdout ---\n${this.stdout.join('\n')}\n--- stderr ---\n${this.stderr}--------------`;
  }
}

describe('Relay Chat end to end in code-server', () => {
  let relay: RelayServer;
  let dataDir: string;
  let extensionsDir: string;
  /** The real terminal client. */
  let alice: TerminalClient;
  /** A RelayClient, for what the terminal client cannot do. */
  let bob: RelayClient;
  const bobReceived: ChatMessage[] = [];
  const clients: RelayClient[] = [];
  const folders: string[] = [];
  let codeServer: CodeServer | undefined;
  let browser: Chromium | undefined;

  function tempFolder(purpose: string): string {
    const folder = mkdtempSync(path.join(os.tmpdir(), `relay-e2e-${purpose}-`));
    folders.push(folder);
    return folder;
  }

  /** Another user as a RelayClient in this process; closed after the tests. */
  function client(name: string, protocol: 1 | 2 = 1): RelayClient {
    const relayClient = new RelayClient({ url: relay.url, name, rateLimit: RELAY_RATE_LIMIT, protocol });
    clients.push(relayClient);
    return relayClient;
  }

  /**
   * Leaves the password box empty (a fresh code-server holds no token; the server is open to
   * everyone), checking that it hides what is typed and, given, its step.
   */
  async function answerPassword(page: Page, step = ''): Promise<void> {
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('.quick-input-title', { hasText: `Relay Chat: Password${step ? ` ${step}` : ''}` }).waitFor(UI_TIMEOUT);
    const input = quickInput.locator('.quick-input-box input');
    assert.equal(await input.getAttribute('type'), 'password');
    await input.press('Enter');
    await quickInput.waitFor({ state: 'hidden', ...UI_TIMEOUT });
  }

  /** A fresh code-server on a fresh workspace holding `files` (name → content), opened in Chromium. */
  async function openVsCode(settings: Record<string, unknown>, files: Record<string, string> = {}): Promise<Page> {
    const workspaceDir = tempFolder('workspace');
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(workspaceDir, name), content);
    codeServer = await startCodeServer({ extensionsDir, workspaceDir, settings });
    browser = await launchChromium();
    await openWorkbench(browser.page, codeServer);
    return browser.page;
  }

  before(async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first`);
    assert.ok(existsSync(TERMINAL_CLIENT), `${TERMINAL_CLIENT} is missing: run \`npm run build\` first`);
    // On disk, so the server can be restarted in the middle of a test without forgetting anyone.
    dataDir = tempFolder('relay-data');
    relay = await startRelayServer({ port: 0, dataDir, rateLimit: RELAY_RATE_LIMIT });
    bob = client('bob');
    bob.on('message', (message) => bobReceived.push(message));
    bob.connect();
    await eventually(() => (bob.state === 'online' ? true : undefined), 'bob online');
    const aliceConfig = tempFolder('alice-config');
    alice = new TerminalClient('alice', relay.url, aliceConfig);
    // Batch mode prints nothing when it connects: bob sees her arrive.
    await eventually(
      () => (bob.onlineUsers.has('alice') ? true : undefined),
      () => `alice's terminal client to come online\n${alice.describe()}`,
    );
    assert.ok(existsSync(path.join(aliceConfig, 'sessions.json')), 'the terminal client keeps its session secret');
    extensionsDir = tempFolder('extensions');
    await installVsix(VSIX, extensionsDir);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      await saveScreenshot(browser.page, `e2e-failure-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
    }
    if (this.currentTest?.state === 'failed' && alice) console.log(`alice's terminal client so far:\n${alice.describe()}`);
    await browser?.close();
    await codeServer?.stop();
    browser = undefined;
    codeServer = undefined;
  });

  after(async () => {
    await alice?.stop();
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
    await quickInput.locator('.quick-input-title', { hasText: 'Relay Chat: Server (1/3)' }).waitFor(UI_TIMEOUT);
    assert.equal(await input.inputValue(), 'ws://127.0.0.1:4446', 'the default is offered');
    // What a browser shows is taken for the WebSocket URL it means, and the prompt says which.
    await input.fill(relay.url.replace('ws://', 'http://'));
    await quickInput.getByText(`Connects to ${relay.url}`).waitFor(UI_TIMEOUT);
    await saveScreenshot(quickInput, 'e2e-0-server-step');
    await input.press('Enter');

    await quickInput.locator('.quick-input-title', { hasText: 'Relay Chat: Name (2/3)' }).waitFor(UI_TIMEOUT);
    await input.fill('bad name');
    await quickInput.getByText('A space (character 4) cannot be in a name').waitFor(UI_TIMEOUT);
    await saveScreenshot(quickInput, 'e2e-0-name-step');
    // bob (a RelayClient) owns that name.
    await input.fill('bob');
    await input.press('Enter');
    // No token for the name on this device yet: a password, which an open server lets one leave empty.
    await answerPassword(page, '(3/3)');

    const refusal = page.locator('.notification-toast', { hasText: 'The name "bob" is already taken' });
    await refusal.waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-0-name-taken');
    await refusal.getByRole('button', { name: 'Choose Another Name' }).click();
    await quickInput.getByText('Pick another name for the chat').waitFor(UI_TIMEOUT);
    await input.fill('dave');
    await input.press('Enter');
    await answerPassword(page);
    await page.locator('.statusbar-item', { hasText: 'online as dave' }).waitFor(UI_TIMEOUT);

    // Saved once the server welcomed them, as the URL a WebSocket uses.
    const settingsFile = path.join(codeServer!.userDataDir, 'User', 'settings.json');
    const saved = await eventually(() => {
      const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
      return settings['relayChat.userName'] === 'dave' ? settings : undefined;
    }, 'the settings saved');
    assert.equal(saved['relayChat.serverUrl'], relay.url);
  });

  it('keeps an answer only once a server welcomed it, reports an unreachable server once, and changes server from there', async () => {
    const page = await openVsCode({});
    const settingsFile = path.join(codeServer!.userDataDir, 'User', 'settings.json');
    const savedSetting = (key: string): unknown => (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>)[key];
    // Before any connection, a quiet way in.
    const connectItem = page.locator('.statusbar-item', { hasText: 'Relay Chat: Connect' });
    await connectItem.waitFor(UI_TIMEOUT);
    const quickInput = page.locator('.quick-input-widget');
    const input = quickInput.locator('.quick-input-box input');
    const title = (text: string): Locator => quickInput.locator('.quick-input-title', { hasText: text });

    // A URL nothing answers at (the port is closed), then the name step dismissed: nothing is saved...
    const deadUrl = `ws://127.0.0.1:${await closedPort()}`;
    // Connect from the view: the palette would wait to close while the prompt keeps it open.
    await openViewContainer(page, 'Relay Chat');
    const connectButton = page.locator('.pane-body').getByRole('button', { name: 'Connect', exact: true });
    await connectButton.click();
    await title('Relay Chat: Server (1/3)').waitFor(UI_TIMEOUT);
    await input.fill(deadUrl);
    await input.press('Enter');
    await title('Relay Chat: Name (2/3)').waitFor(UI_TIMEOUT);
    await input.press('Escape');
    await quickInput.waitFor({ state: 'hidden', ...UI_TIMEOUT });
    assert.equal(savedSetting('relayChat.serverUrl'), undefined, 'a dismissed prompt saves nothing');

    // ...so the next Connect asks again, offering what was typed.
    await connectButton.click();
    await title('Relay Chat: Server (1/3)').waitFor(UI_TIMEOUT);
    assert.equal(await input.inputValue(), deadUrl);
    await input.press('Enter');
    await title('Relay Chat: Name (2/3)').waitFor(UI_TIMEOUT);
    await input.fill('frank');
    await input.press('Enter');
    await answerPassword(page, '(3/3)');

    // The first failure says why, with the ways out; the view and the status bar say it too.
    const failure = page.locator('.notification-toast', { hasText: `cannot reach ${deadUrl}` });
    await failure.waitFor(UI_TIMEOUT);
    assert.match(await failure.innerText(), /ECONNREFUSED/);
    for (const action of ['Retry', 'Change Server', 'Show Log']) await failure.getByRole('button', { name: action }).waitFor(UI_TIMEOUT);
    const welcome = page.locator('.pane-body', { hasText: 'Cannot reach the Relay Chat server' });
    await welcome.getByRole('button', { name: 'Retry Now' }).waitFor(UI_TIMEOUT);
    await page.locator('.statusbar-item', { hasText: 'Chat: server unreachable' }).waitFor(UI_TIMEOUT);
    // A panel opened now promises neither queued messages nor older ones.
    await runCommand(page, 'Chat: Open #general');
    const group = webviewFrame(page);
    await group.locator('.connection', { hasText: 'Cannot reach the server' }).waitFor(UI_TIMEOUT);
    assert.doesNotMatch(await group.locator('.connection').innerText(), /go out when/);
    await group.locator('.history', { hasText: 'No messages loaded' }).waitFor(UI_TIMEOUT);
    assert.equal(await group.getByRole('button', { name: 'Load older messages' }).count(), 0);
    await saveScreenshot(page, 'e2e-0-server-unreachable');
    assert.equal(savedSetting('relayChat.serverUrl'), undefined, 'an unreachable URL is not saved');

    // Change Server, from the notification: the URL is asked again and saved once it works.
    await failure.getByRole('button', { name: 'Change Server' }).click();
    await title('Relay Chat: Server').waitFor(UI_TIMEOUT);
    assert.equal(await input.inputValue(), deadUrl);
    await input.fill(relay.url);
    await input.press('Enter');
    await title('Relay Chat: Name').waitFor(UI_TIMEOUT);
    assert.equal(await input.inputValue(), 'frank', 'the name typed before is offered');
    await input.press('Enter');
    await answerPassword(page);
    await page.locator('.statusbar-item', { hasText: 'online as frank' }).waitFor(UI_TIMEOUT);
    await group.locator('.connection').waitFor({ state: 'hidden', ...UI_TIMEOUT });
    // Both settings are written once welcomed, one after the other: wait for the pair.
    await eventually(
      () => (savedSetting('relayChat.userName') === 'frank' && savedSetting('relayChat.serverUrl') === relay.url ? true : undefined),
      'the name and the server saved',
    );
  });

  it('connects from the palette, chats privately with the terminal client and in the group', async () => {
    const page = await openVsCode({ 'relayChat.serverUrl': relay.url, 'relayChat.userName': 'tester' });
    // The panels' Content-Security-Policy must not have to block anything the extension itself does.
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await startCommand(page, 'Chat: Connect');
    await answerPassword(page);
    await page.locator('.statusbar-item', { hasText: 'online as tester' }).waitFor(UI_TIMEOUT);

    await openViewContainer(page, 'Relay Chat');
    await treeRow(page, 'Conversations', 'tester').first().waitFor(UI_TIMEOUT);
    await treeRow(page, 'Conversations', 'bob').first().waitFor(UI_TIMEOUT);
    const aliceRow = treeRow(page, 'Conversations', 'alice').first();
    await aliceRow.waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-1-online-users');

    // alice, in her terminal, writes privately while no chat is open: unread count on her row,
    // and a notification.
    alice.type('/msg tester hi tester, got a minute?');
    await aliceRow.locator('.label-description', { hasText: '1 unread' }).waitFor(UI_TIMEOUT);
    await page.locator('.notification-toast', { hasText: 'alice: hi tester, got a minute?' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-2-unread-and-notification');

    await runCommand(page, 'Notifications: Clear All Notifications');
    const chat = webviewFrame(page);
    await clickRow(page, aliceRow, chat.locator('.message .body', { hasText: 'hi tester, got a minute?' }));
    const input = chat.getByLabel('Message alice');
    // The chat opens ready to type in.
    const focused = async (): Promise<true | undefined> =>
      (await input.evaluate((box) => box === document.activeElement)) ? true : undefined;
    await eventually(focused, 'focus in the message box');
    await input.pressSequentially('Sure! What is up?');
    await input.press('Enter');
    // The terminal client prints it, and alice answers from there.
    await alice.received('tester → you: Sure! What is up?');
    alice.type('/msg tester The build on main is red, can you look at the failing test?');
    await chat.locator('.message .body', { hasText: 'The build on main is red, can you look at the failing test?' }).waitFor(UI_TIMEOUT);
    await chat.locator('.message.mine .body', { hasText: 'Sure! What is up?' }).waitFor(UI_TIMEOUT);
    assert.equal(await chat.locator('.message.mine .state').count(), 0, 'the acked message is no longer pending');
    assert.deepEqual(
      (await chat.locator('.message .body').allInnerTexts()).map((text) => text.trim()),
      ['hi tester, got a minute?', 'Sure! What is up?', 'The build on main is red, can you look at the failing test?'],
    );
    await saveScreenshot(page, 'e2e-3-private-chat');

    // bob (a RelayClient: a terminal line cannot hold a code block) sends markdown over several lines.
    bob.send('Can you look at **this**?\n\n```ts\nconst x: number = 1;\n```\nDocs: https://example.com/docs', 'tester');
    const bobRow = treeRow(page, 'Conversations', 'bob').first();
    await bobRow.locator('.label-description', { hasText: '1 unread' }).waitFor(UI_TIMEOUT);
    // A notification cannot render markdown: it shows the text, on one line.
    await page
      .locator('.notification-toast', { hasText: 'bob: Can you look at this? const x: number = 1; Docs: https://example.com/docs' })
      .waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-3a-markdown-notification');
    await runCommand(page, 'Notifications: Clear All Notifications');
    const bobChat = webviewFrame(page);
    await clickRow(page, bobRow, bobChat.getByLabel('Message bob'));
    await bobChat.locator('.message .body pre code', { hasText: 'const x: number = 1;' }).waitFor(UI_TIMEOUT);
    // Links open through VS Code (which asks first), never inside the webview.
    const link = bobChat.locator('.message .body a[href="https://example.com/docs"]');
    await browser!.context.route('https://example.com/**', (route) => route.fulfill({ body: 'docs' }));
    const opened = browser!.context.waitForEvent('page');
    await link.click();
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Open', exact: true }).click();
    const docsPage = await opened;
    await docsPage.waitForURL('https://example.com/docs');
    await docsPage.close();
    assert.equal(await bobChat.locator('.message .body strong').innerText(), 'this');
    await saveScreenshot(page, 'e2e-3b-private-markdown');

    // Group messages from alice's terminal while #general is not open: counted on its row (first
    // in the tree, so the badge's total is always on some row), read later below a "New messages" divider.
    alice.type('Morning all!');
    await page.locator('.statusbar-item', { hasText: 'online as tester (1 unread)' }).waitFor(UI_TIMEOUT);
    const generalRow = treeRow(page, 'Conversations', '#general');
    await generalRow.locator('.label-description', { hasText: '1 unread' }).waitFor(UI_TIMEOUT);
    // The name is highlighted too: that shows however narrow the side bar is.
    await generalRow.locator('.label-name .highlight', { hasText: '#general' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page.locator('.part.sidebar'), 'e2e-3c-general-row-unread');
    await runCommand(page, 'Chat: Open #general');
    const group = webviewFrame(page);
    await group.locator('.divider.unread + .message .body', { hasText: 'Morning all!' }).waitFor(UI_TIMEOUT);
    alice.type('Standup in 5 minutes.');
    await group.locator('.message .body', { hasText: 'Standup in 5 minutes.' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-4-group-chat-new-messages');
    // Two messages in a row from alice: one header.
    assert.equal(await group.locator('.message.first .from', { hasText: 'alice' }).count(), 1);
    assert.equal(await group.locator('.message.continued').count(), 1);
    const groupInput = group.getByLabel('Message #general');
    await groupInput.click();
    await groupInput.pressSequentially('On my way');
    await groupInput.press('Enter');
    await alice.received('#general tester: On my way');
    await group.locator('.message.mine .body', { hasText: 'On my way' }).waitFor(UI_TIMEOUT);
    bob.sendTyping();
    await group.locator('.typing', { hasText: 'bob is typing…' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-5-group-chat-sent');

    // A mention of tester, from a terminal that knows nothing of mentions: the text says it.
    alice.type('@tester can you review the fix?');
    const mention = group.locator('.message.mentions-me mark.mention', { hasText: '@tester' });
    await mention.waitFor(UI_TIMEOUT);
    assert.equal(await group.locator('.message.mentions-me').count(), 1);
    // A sender's name opens the direct conversation with them; one's own name is no button.
    assert.equal(await group.locator('.message.mine .from').first().evaluate((from) => from.tagName), 'SPAN');
    await saveScreenshot(page, 'e2e-5a-mention');
    await group.getByRole('button', { name: 'alice', exact: true }).first().click();
    const fromName = webviewFrame(page);
    await fromName.getByLabel('Message alice').waitFor(UI_TIMEOUT);
    await fromName.locator('.message .body', { hasText: 'The build on main is red' }).waitFor(UI_TIMEOUT);
    await page.locator('.tabs-container .tab.active', { hasText: 'alice' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-5b-direct-from-sender-name');
    await runCommand(page, 'Chat: Open #general');
    await groupInput.waitFor(UI_TIMEOUT);

    // The server goes away: the panel says so, keeps what is typed, and sends it once it is back.
    const port = relay.port;
    await relay.close();
    await group.locator('.connection', { hasText: 'Offline' }).waitFor(UI_TIMEOUT);
    // Its icon is drawn like the rest of the status bar, not in some theme colour of its own.
    const offlineItem = page.locator('.statusbar-item', { hasText: 'Chat: offline' });
    const iconAndText = await offlineItem.evaluate((item) =>
      [item.querySelector('.codicon'), item.querySelector('.statusbar-item-label')].map((part) => part && getComputedStyle(part).color),
    );
    assert.ok(iconAndText[0], 'the offline item has an icon');
    assert.equal(iconAndText[0], iconAndText[1], 'the offline icon has the colour of its text');
    await groupInput.pressSequentially('Typed while offline');
    await groupInput.press('Enter');
    await group.locator('.message.status-queued .state', { hasText: 'Waiting for the connection' }).waitFor(UI_TIMEOUT);
    await saveScreenshot(page, 'e2e-6-offline');
    // While it is down, the group's messages so far become three days old: the history the panel
    // gets after the reload below then spans two days.
    backdateGroupMessages(dataDir, THREE_DAYS_MS);
    relay = await startRelayServer({ port, dataDir, rateLimit: RELAY_RATE_LIMIT });
    await group.locator('.connection').waitFor({ state: 'hidden', timeout: 45_000 });
    // alice's terminal client reconnects on its own and gets the queued message.
    await alice.received('#general tester: Typed while offline', 45_000);
    await eventually(() => bobReceived.find((m) => m.text === 'Typed while offline'), 'bob gets the queued message', 45_000);
    await group.locator('.message.mine.status-sent .body', { hasText: 'Typed while offline' }).waitFor(UI_TIMEOUT);
    await bob.requestHistory({ limit: 1 }); // one more round trip: a duplicate would have arrived by now
    assert.equal(bobReceived.filter((m) => m.text === 'Typed while offline').length, 1);
    assert.equal(alice.messages().filter((m) => m === '#general tester: Typed while offline').length, 1);

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
    // Nothing is loaded yet: the panel does not pretend the conversation starts here.
    await restored.locator('.history', { hasText: 'No messages loaded' }).waitFor(UI_TIMEOUT);
    assert.equal(await restored.getByText('This is the beginning of the conversation.').count(), 0);
    assert.equal(await restored.getByLabel('Message #general').inputValue(), 'An unfinished thought');
    // Meanwhile carol (a RelayClient) writes a long private history that tester will scroll back through.
    const carol = client('carol');
    carol.connect();
    await eventually(() => (carol.state === 'online' ? true : undefined), 'carol online');
    for (let i = 1; i <= 120; i++) carol.send(`carol message ${i}`, 'tester');
    await eventually(() => (carol.pending.length === 0 ? true : undefined), 'all 120 stored');

    await restored.getByRole('button', { name: 'Connect' }).click();
    await restored.locator('.message .body', { hasText: 'Typed while offline' }).waitFor(UI_TIMEOUT);
    await page.locator('.statusbar-item', { hasText: 'online as tester' }).waitFor(UI_TIMEOUT);
    await treeRow(page, 'Conversations', 'alice').first().waitFor(UI_TIMEOUT);
    // Older messages show their date, and a divider names their day; today's show only the time.
    const timeOf = (text: string): Locator => restored.locator('.message', { hasText: text }).locator('.meta .time');
    await restored.locator('.message .body', { hasText: 'Morning all!' }).waitFor(UI_TIMEOUT);
    const threeDaysAgo = new Date(Date.now() - THREE_DAYS_MS);
    const isoDay = `${threeDaysAgo.getFullYear()}-${pad2(threeDaysAgo.getMonth() + 1)}-${pad2(threeDaysAgo.getDate())}`;
    assert.match(await timeOf('Morning all!').innerText(), new RegExp(`^${isoDay} \\d\\d:\\d\\d$`));
    assert.match(await timeOf('Typed while offline').innerText(), /^\d\d:\d\d$/);
    // The old day is named in the browser's language ("Saturday, November 28"), unit-tested in time-labels.
    const days = (await restored.locator('.divider.day').allInnerTexts()).map((text) => text.trim());
    assert.equal(days.length, 2, `two days: ${days.join(', ')}`);
    assert.ok(!['Today', 'Yesterday'].includes(days[0]!), days[0]);
    assert.equal(days[1], 'Today');
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

    // Scrolled up, what arrives below is counted in a pill; clicking it jumps to the newest.
    const pill = history.locator('#new-messages');
    assert.equal(await pill.isVisible(), false);
    carol.send('carol message 121', 'tester');
    carol.send('carol message 122', 'tester');
    await pill.filter({ hasText: '↓ 2 new messages' }).waitFor(UI_TIMEOUT);
    assert.ok((await messageList.evaluate((list) => list.scrollTop)) < 100, 'the reader stays where they were');
    await saveScreenshot(page, 'e2e-9a-new-messages-pill');
    await pill.click();
    await pill.waitFor({ state: 'hidden', ...UI_TIMEOUT });
    const newest = history.locator('.message', { hasText: 'carol message 122' });
    assert.ok(await newest.isVisible());
    assert.equal(
      await messageList.evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight < 2),
      true,
      'at the bottom',
    );
    // The keyboard: ↑/↓ between messages, Escape to the message box, Alt+End back to the newest.
    const focusedText = (): Promise<string> =>
      history.locator('#messages').evaluate(() => document.activeElement?.querySelector('.body')?.textContent?.trim() ?? '');
    await newest.click();
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusedText(), 'carol message 121');
    await page.keyboard.press('Escape');
    assert.equal(await history.getByLabel('Message carol').evaluate((box) => box === document.activeElement), true, 'Escape: the message box');
    await page.keyboard.press('Alt+End');
    assert.equal(await focusedText(), 'carol message 122');
    assert.equal(await history.locator('#messages').getAttribute('role'), 'list');
    assert.equal(await newest.getAttribute('role'), 'listitem');
    await saveScreenshot(page, 'e2e-9b-keyboard-focus');
    assert.deepEqual(blocked, []);

    // alice is done: with her input closed, the terminal client exits 0 (every line she typed was
    // stored) having printed each message meant for her exactly once, and nothing else.
    const exitCode = await alice.endInput();
    assert.equal(exitCode, 0, `the terminal client's exit code\n${alice.describe()}`);
    assert.deepEqual(
      alice.stdout.map((line) => line.replace(TIME_PREFIX, '')),
      ['tester → you: Sure! What is up?', '#general tester: On my way', '#general tester: Typed while offline'],
      `what the terminal client printed\n${alice.describe()}`,
    );
    assert.ok(alice.stdout.every((line) => TIME_PREFIX.test(line)), `every line starts with the time\n${alice.describe()}`);
    // It noticed the restart and came back by itself; nothing it sent was refused.
    assert.match(alice.stderr, /connection lost/);
    assert.match(alice.stderr, /reconnected/);
    assert.doesNotMatch(alice.stderr, /relay-chat: (not sent|the server refused|server error|disconnected:)/);
  });

  // Last, as "erin": bob's row is what the tree needs, and nothing here reaches alice's terminal.
  it('runs the view toolbar with a row focused; the composer fits its text and counts towards the limit', async () => {
    const page = await openVsCode({ 'relayChat.serverUrl': relay.url, 'relayChat.userName': 'erin' });
    await startCommand(page, 'Chat: Connect');
    await answerPassword(page);
    await page.locator('.statusbar-item', { hasText: 'online as erin' }).waitFor(UI_TIMEOUT);
    await openViewContainer(page, 'Relay Chat');
    const toolbar = page.locator('.part.sidebar .title-actions');
    const bobRow = treeRow(page, 'Conversations', 'bob').first();
    const chat = webviewFrame(page);
    const input = chat.getByLabel('Message bob');

    // Clicking a row opens its chat and leaves the row focused; VS Code then hands that row's
    // element to the toolbar's commands.
    await clickRow(page, bobRow, input);
    await runCommand(page, 'View: Close All Editors');
    await input.waitFor({ state: 'detached', ...UI_TIMEOUT });
    await toolbar.getByRole('button', { name: 'Message User…' }).click();
    await input.waitFor(UI_TIMEOUT);
    assert.equal(await page.locator('.notification-toast').count(), 0, 'no notification, in particular no error');
    // The toolbar's icons all have its colour: none is painted in a theme's debug colours.
    const iconColour = (name: string): Promise<string> =>
      toolbar.getByRole('button', { name }).evaluate((icon) => getComputedStyle(icon).color);
    assert.equal(await iconColour('Disconnect'), await iconColour('Open #general'));
    await saveScreenshot(page.locator('.part.sidebar'), 'e2e-13-view-toolbar');

    // The message box is as tall as its text: no scrollbar for one line, nor for three.
    const overflow = (): Promise<number> => input.evaluate((box) => box.scrollHeight - box.clientHeight);
    const height = (): Promise<number> => input.evaluate((box) => box.getBoundingClientRect().height);
    await input.click();
    await input.pressSequentially('One line');
    assert.equal(await overflow(), 0, 'one line fits');
    const oneLine = await height();
    await saveScreenshot(chat.locator('#composer'), 'e2e-10-composer-one-line');
    await input.press('Shift+Enter');
    await input.pressSequentially('two');
    await input.press('Shift+Enter');
    await input.pressSequentially('three');
    assert.equal(await overflow(), 0, 'three lines fit');
    assert.ok((await height()) > oneLine, 'the box grew');

    // Near the limit (4,000 code points) a counter shows how much is used; past it, it turns to
    // the error colour, Send is off, and Enter explains instead of sending, keeping the text.
    const counter = chat.locator('#composer-count');
    const send = chat.getByRole('button', { name: 'Send' });
    const colour = (): Promise<string> => counter.evaluate((element) => getComputedStyle(element).color);
    await input.fill('x'.repeat(3499));
    assert.equal(await counter.isVisible(), false, 'no counter while far from the limit');
    await input.fill('😀'.repeat(3612));
    await counter.waitFor(UI_TIMEOUT);
    assert.equal(await counter.innerText(), '3,612 / 4,000', 'counted in code points');
    assert.equal(await send.isEnabled(), true);
    const nearColour = await colour();
    await saveScreenshot(chat.locator('#composer'), 'e2e-11-composer-near-limit');
    await input.press('End');
    await input.pressSequentially('x'.repeat(389));
    assert.equal(await counter.innerText(), '4,001 / 4,000');
    assert.notEqual(await colour(), nearColour, 'past the limit the counter changes colour');
    assert.equal(await send.isEnabled(), false, 'Send is off past the limit');
    await input.press('Enter');
    await chat.locator('.notice', { hasText: 'Messages are limited to 4,000 characters; this one has 4,001' }).waitFor(UI_TIMEOUT);
    assert.equal(Array.from(await input.inputValue()).length, 4001, 'the text is kept');
    await saveScreenshot(page.locator('iframe.webview.ready'), 'e2e-12-composer-over-limit');
    await input.fill('');
    assert.equal(await counter.isVisible(), false);
    assert.equal(await send.isEnabled(), true);

    // dana (protocol 2) makes #build with a topic, brings erin in and mentions her: the
    // Channels section badges it, and its panel's header shows the topic and the members.
    const dana = client('dana', 2);
    dana.connect();
    await eventually(() => (dana.state === 'online' ? true : undefined), 'dana online');
    await dana.createChannel('build', { topic: 'CI and releases' });
    await dana.inviteToChannel('build', 'erin');
    dana.send('@erin the nightly build is green again', { kind: 'channel', channel: 'build' });
    const buildRow = treeRow(page, 'Conversations', '#build');
    await buildRow.locator('.label-description', { hasText: '1 mention, 1 unread · CI and releases' }).waitFor(UI_TIMEOUT);
    await treeRow(page, 'Conversations', 'Channels').waitFor(UI_TIMEOUT);
    await treeRow(page, 'Conversations', 'Direct Messages').waitFor(UI_TIMEOUT);
    await treeRow(page, 'Conversations', 'Online').waitFor(UI_TIMEOUT);
    await saveScreenshot(page.locator('.part.sidebar'), 'e2e-16-sidebar-sections');
    const build = webviewFrame(page);
    await clickRow(page, buildRow, build.locator('#channel-topic', { hasText: 'CI and releases' }));
    await build.locator('#channel-members', { hasText: '2 members: dana, erin' }).waitFor(UI_TIMEOUT);
    await build.locator('.message.mentions-me .mention', { hasText: '@erin' }).waitFor(UI_TIMEOUT);
    // The mention's notification would cover the completion list in the screenshot.
    await runCommand(page, 'Notifications: Clear All Notifications');
    // @ completes the channel's members, people before @channel and @here: ↓ and ↑ move, Tab takes the name.
    const buildInput = build.getByLabel('Message #build');
    await buildInput.click();
    await buildInput.pressSequentially('thanks @');
    await build.locator('#mention-list .mention-option', { hasText: '@dana' }).waitFor(UI_TIMEOUT);
    assert.deepEqual(await build.locator('#mention-list .mention-option').allInnerTexts(), ['@dana', '@channel', '@here']);
    await saveScreenshot(page.locator('iframe.webview.ready'), 'e2e-17-channel-header-and-mentions');
    await buildInput.press('ArrowDown');
    await buildInput.press('ArrowUp');
    await buildInput.press('Tab');
    assert.equal(await buildInput.inputValue(), 'thanks @dana ');
    assert.equal(await build.locator('#mention-list').isVisible(), false);
    await buildInput.fill('');
  });

  // After alice's terminal has exited: this group message must not reach her transcript.
  it('underlines links and sender names in a high-contrast theme, where colour alone does not mark them', async () => {
    bob.send('Notes are at https://example.com/high-contrast');
    await eventually(() => (bob.pending.length === 0 ? true : undefined), "bob's message stored");
    const page = await openVsCode({
      'relayChat.serverUrl': relay.url,
      'relayChat.userName': 'gina',
      'workbench.colorTheme': 'Default High Contrast',
    });
    await page.locator('.monaco-workbench.hc-black').waitFor(UI_TIMEOUT);
    await startCommand(page, 'Chat: Connect');
    await answerPassword(page);
    await page.locator('.statusbar-item', { hasText: 'online as gina' }).waitFor(UI_TIMEOUT);
    await runCommand(page, 'Chat: Open #general');
    const general = webviewFrame(page);
    const link = general.locator('.message .body a[href="https://example.com/high-contrast"]');
    await link.waitFor(UI_TIMEOUT);
    const decoration = (locator: Locator): Promise<string> => locator.evaluate((element) => getComputedStyle(element).textDecorationLine);
    assert.equal(await decoration(link), 'underline');
    // bob's message is the only one of his in #general: his is the one sender button of that name.
    assert.equal(await decoration(general.getByRole('button', { name: 'bob', exact: true }).first()), 'underline');
    await saveScreenshot(page.locator('iframe.webview.ready'), 'e2e-15-high-contrast-links');
  });

  it('stages a shared selection in the message box with a preview; Remove takes it out, a note and Enter send it', async () => {
    const page = await openVsCode(
      { 'relayChat.serverUrl': relay.url, 'relayChat.userName': 'hana' },
      { 'greet.ts': 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n' },
    );
    await startCommand(page, 'Chat: Connect');
    await answerPassword(page);
    await page.locator('.statusbar-item', { hasText: 'online as hana' }).waitFor(UI_TIMEOUT);
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill('greet.ts');
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'greet.ts' }).waitFor(UI_TIMEOUT);
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'export function greet' }).waitFor(UI_TIMEOUT);
    const share = async (how: () => Promise<void>): Promise<void> => {
      // The panel opens over the editor, in its group: its tab brings the file back.
      await page.locator('.tabs-container .tab', { hasText: 'greet.ts' }).click();
      await editor.locator('.view-lines').click();
      await page.keyboard.press('Control+A');
      await how();
      const pick = page.locator('.quick-input-widget .quick-input-box input');
      await pick.waitFor(UI_TIMEOUT);
      await pick.fill('#general');
      await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: '#general' }).waitFor(UI_TIMEOUT);
      await page.keyboard.press('Enter');
    };

    // The keybinding, then Remove: the strip empties.
    await share(() => page.keyboard.press('Control+Alt+C'));
    const chat = webviewFrame(page);
    const item = chat.locator('#staged .staged-item');
    await item.filter({ hasText: 'greet.ts:L1-L3' }).waitFor(UI_TIMEOUT);
    await item.getByRole('button', { name: 'Remove greet.ts:L1-L3 from this message' }).click();
    await chat.locator('#staged').waitFor({ state: 'hidden', ...UI_TIMEOUT });

    // The palette, then a note and Enter.
    await share(() => startCommand(page, 'Chat: Share Selection to…'));
    await item.filter({ hasText: 'greet.ts:L1-L3' }).waitFor(UI_TIMEOUT);
    assert.match(await item.locator('.staged-preview').innerText(), /^export function greet\(name: string\): string \{\n {2}return `Hello, \$\{name\}!`;\n\}$/);
    const input = chat.getByLabel('Message #general');
    await input.click();
    await input.pressSequentially('greet is here');
    await saveScreenshot(page.locator('iframe.webview.ready'), 'e2e-18-staged-anchor');
    await input.press('Enter');
    const shared = await eventually(() => bobReceived.find((message) => message.from === 'hana' && message.attachments), 'bob gets the anchor');
    const [anchor] = shared.attachments ?? [];
    // The window's folder is a fresh temporary one: its name is whatever mkdtemp made.
    assert.match((anchor?.kind === 'code' && anchor.folder) || '', /workspace/);
    assert.deepEqual(shared.attachments, [
      {
        kind: 'code',
        path: 'greet.ts',
        folder: anchor?.kind === 'code' ? anchor.folder : undefined,
        range: { startLine: 1, endLine: 3 },
        language: 'typescript',
        snippet: 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}',
      },
    ]);
    assert.match(shared.text, /^greet is here\n\n/);
    await chat.locator('#staged').waitFor({ state: 'hidden', ...UI_TIMEOUT });
  });

  it('gives a chat tab the chat icon drawn for the theme, not the generic file icon', async () => {
    const page = await openVsCode({});
    // A panel opens without a connection too; it says "Not connected".
    await runCommand(page, 'Chat: Open #general');
    await webviewFrame(page).getByText('Not connected.').waitFor(UI_TIMEOUT);
    const tab = page.locator('.tabs-container .tab', { hasText: '#general' });
    const expectIcon = async (theme: 'light' | 'dark'): Promise<void> => {
      const image = await tab.locator('.monaco-icon-label').evaluate((label) => getComputedStyle(label, '::before').backgroundImage);
      const url = /^url\("(.*)"\)$/.exec(image)?.[1];
      assert.ok(url, `the tab has an icon image, not the file icon's font glyph: ${image}`);
      assert.match(decodeURIComponent(url), new RegExp(`/media/chat-${theme}\\.svg`));
      const status = await page.evaluate(async (href) => (await fetch(href)).status, url);
      assert.equal(status, 200, `media/chat-${theme}.svg is in the package (.vscodeignore lets it in)`);
      await saveScreenshot(tab, `e2e-14-tab-icon-${theme}`);
    };
    await expectIcon('light');
    await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
    await page.locator('.monaco-workbench.vs-dark').waitFor(UI_TIMEOUT);
    await expectIcon('dark');
  });
});
