/**
 * Accounts in a real VS Code: signing in with a password where the server needs one (and the
 * refusals on the way), signing out (the token is revoked on the server and forgotten here),
 * joining through an invite link, changing the password, signing out other devices, and wss://
 * with the team's CA. The prompts are answered through test/extension-host/prompts.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { RelayClient } from '../../client/relay-client';
import { readSessionBook } from '../../client/session-book-layout';
import type { RelayChatTestApi } from '../../extension/test-api';
import { activateExtension, eventually, fromEnv, settings } from './helpers';
import { DISMISS, prompts } from './prompts';

const GLOBAL = vscode.ConfigurationTarget.Global;

/** The token the extension keeps for the name, read from its session book. */
async function keptToken(api: RelayChatTestApi, url: string, name: string): Promise<string | undefined> {
  const text = await api.storedSessionBook();
  if (text === undefined) return undefined;
  const book = readSessionBook(text, 'the test');
  const serverId = book.urls.get(new URL(url).href);
  return book.find(url, name, serverId);
}

/** The book is written just after the welcome that issues the token: waits until it holds it. */
async function tokenOnceKept(api: RelayChatTestApi, url: string, name: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const token = await keptToken(api, url, name);
    if (token !== undefined) return token;
    if (Date.now() > deadline) assert.fail(`the device token of ${name} is kept`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether the server takes this token for the name: resolves with the refusal code, or 'welcome'. */
async function tryToken(url: string, name: string, token: string): Promise<string> {
  const client = new RelayClient({ url, name, session: token });
  try {
    return await new Promise<string>((resolve) => {
      client.on('welcome', () => resolve('welcome'));
      client.on('refused', (code) => resolve(code));
      client.connect();
    });
  } finally {
    await client.close();
  }
}

describe('Relay Chat accounts in VS Code', () => {
  let api: RelayChatTestApi;
  const inviteServer = fromEnv('RELAY_CHAT_TEST_INVITE_SERVER_URL');
  const [accountName, accountPassword] = fromEnv('RELAY_CHAT_TEST_ACCOUNT').split(':') as [string, string];

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('relayChat.disconnect');
    prompts.reset();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('relayChat.disconnect');
    await settings().update('caFile', undefined, GLOBAL);
    prompts.reset();
  });

  it('asks for the password where the server needs one, says "wrong password" with Try Again, and signs in', async () => {
    await settings().update('serverUrl', inviteServer, GLOBAL);
    await settings().update('userName', accountName, GLOBAL);
    // No password at first (AUTH_REQUIRED: asked again), then a wrong one (Try Again), then the right one.
    prompts.answer('', 'not-the-password', accountPassword);
    prompts.click(/Wrong name or password/, 'Try Again');
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'online as the account', 15_000);
    assert.equal(api.statusBarText(), `$(comment-discussion) online as ${accountName}`);

    assert.equal(prompts.boxes.length, 3);
    for (const box of prompts.boxes) assert.equal(box.password, true, 'a password box hides what is typed');
    assert.match(prompts.boxes[0]!.prompt ?? '', /you may leave it empty: then this device's token alone owns the name/);
    assert.match(prompts.boxes[1]!.prompt ?? '', /needs the password of "carol"/);
    assert.ok(prompts.messages.some((m) => m.level === 'error' && /Wrong name or password for "carol"/.test(m.text)));

    await tokenOnceKept(api, inviteServer, accountName);
    const book = (await api.storedSessionBook()) ?? '';
    assert.ok(!book.includes(accountPassword), 'the password is not in the secret storage');
    assert.ok(!JSON.stringify(settings()).includes(accountPassword), 'nor in the settings');
  });

  it('signs out: the server revokes the token, the book forgets it, and the next Connect asks for the password', async () => {
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'online', 15_000);
    const token = await tokenOnceKept(api, inviteServer, accountName);
    assert.equal(prompts.boxes.length, 0, 'the kept token signs in without a password');

    prompts.click(/^Sign out "carol"/, 'Sign Out');
    await vscode.commands.executeCommand('relayChat.signOut');
    assert.ok(prompts.messages.some((m) => m.modal && /^Sign out "carol"/.test(m.text)), 'it asked first');
    assert.equal(api.connectionState(), 'disconnected');
    assert.equal(await keptToken(api, inviteServer, accountName), undefined, 'the book entry is gone');
    assert.equal(await tryToken(inviteServer, accountName, token), 'AUTH_REQUIRED', 'the server no longer takes the token');

    prompts.answer(DISMISS);
    await vscode.commands.executeCommand('relayChat.connect');
    assert.equal(prompts.boxes.length, 1, 'Connect asks for the password again');
    assert.equal(prompts.boxes[0]!.password, true);
    assert.equal(api.connectionState(), 'disconnected', 'dismissing it connects nowhere');
  });

  it('joins through an invite link: name (1/3), password (2/3), confirmation (3/3); settings saved once welcomed', async () => {
    const link = `vscode://relay-chat.relay-chat/invite?server=${encodeURIComponent(inviteServer)}&code=${encodeURIComponent(fromEnv('RELAY_CHAT_TEST_INVITE_CODE'))}`;
    prompts.click(/^Join the Relay Chat server/, 'Join');
    prompts.answer('dave', 'dave-password-1', 'dave-password-1');
    await api.openUri(vscode.Uri.parse(link));
    await eventually(() => api.connectionState() === 'online', 'dave online', 15_000);
    assert.equal(api.statusBarText(), '$(comment-discussion) online as dave');
    assert.deepEqual(prompts.boxes.map((box) => [box.step, box.password]), [
      ['1/3', false],
      ['2/3', true],
      ['3/3', true],
    ]);
    const join = prompts.messages.find((m) => m.modal);
    assert.ok(join?.text.includes(inviteServer), 'it showed the server before joining');
    await eventually(() => settings().get('userName') === 'dave', 'the name saved once welcomed');
    assert.equal(settings().get('serverUrl'), inviteServer);
    assert.ok(!((await api.storedSessionBook()) ?? '').includes('dave-password-1'));

    // A link that is not an invite is refused with a clear message, and asks nothing.
    await api.openUri(vscode.Uri.parse(`vscode://relay-chat.relay-chat/invite?server=${encodeURIComponent(inviteServer)}&code=has%20space`));
    assert.match(prompts.messages.at(-1)?.text ?? '', /The code in this invite link is not an invite code/);
    assert.equal(prompts.boxes.length, 3);
  });

  it('changes the password (current, new, confirmation) and signs out the other devices', async () => {
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'dave online', 15_000);
    prompts.answer('dave-password-1', 'dave-password-2', 'dave-password-2');
    await vscode.commands.executeCommand('relayChat.changePassword');
    assert.deepEqual(prompts.boxes.map((box) => box.step), ['1/3', '2/3', '3/3']);
    assert.match(prompts.messages.at(-1)?.text ?? '', /the password of "dave" was changed/);

    // The new password signs in a second device, which Manage Devices then signs out.
    const laptop = new RelayClient({ url: inviteServer, name: 'dave', password: 'dave-password-2', device: 'laptop' });
    const closed = new Promise<string | undefined>((resolve) => laptop.on('state', (state, detail) => state === 'closed' && resolve(detail?.error)));
    laptop.connect();
    await eventually(() => laptop.state === 'online', 'the second device online');
    let listed: string[] = [];
    prompts.choose((items) => {
      listed = items.map((item) => `${item.label}${item.description ? ` · ${item.description}` : ''}`);
      return items.find((item) => item.label.includes('Sign out all other devices'));
    });
    prompts.click(/^Sign out 1 other devices|^Sign out "laptop"/, 'Sign Out');
    await vscode.commands.executeCommand('relayChat.manageDevices');
    assert.ok(listed.some((line) => line.endsWith('· this device') && line.includes('VS Code on')), listed.join('\n'));
    assert.ok(listed.some((line) => line.includes('laptop')), listed.join('\n'));
    assert.match((await closed) ?? '', /signed out/);
    assert.equal(api.connectionState(), 'online', 'this device stays signed in');
  });

  it('lets an admin disable a user from the tree row (their devices are closed, sign-in refused) and enable them again', async () => {
    const [adminName, adminPassword] = fromEnv('RELAY_CHAT_TEST_ADMIN').split(':') as [string, string];
    await settings().update('serverUrl', inviteServer, GLOBAL);
    await settings().update('userName', adminName, GLOBAL);
    prompts.answer(adminPassword);
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'the admin online', 15_000);

    const dave = new RelayClient({ url: inviteServer, name: 'dave', password: 'dave-password-2', device: 'phone' });
    const closed = new Promise<string | undefined>((resolve) => dave.on('state', (state, detail) => state === 'closed' && resolve(detail?.error)));
    dave.connect();
    await eventually(() => dave.state === 'online', 'dave online');
    prompts.click(/^Disable "dave"\?/, 'Disable');
    // What the tree row's context menu passes: the row's name.
    await vscode.commands.executeCommand('relayChat.disableUser', 'dave');
    assert.match((await closed) ?? '', /disabled/);
    assert.match(prompts.messages.at(-1)?.text ?? '', /"dave" is disabled/);
    const refused = new RelayClient({ url: inviteServer, name: 'dave', password: 'dave-password-2' });
    try {
      const code = await new Promise<string>((resolve) => {
        refused.on('refused', (refusal) => resolve(refusal));
        refused.on('welcome', () => resolve('welcome'));
        refused.connect();
      });
      assert.equal(code, 'ACCOUNT_DISABLED');
    } finally {
      await refused.close();
    }

    prompts.answer('dave');
    await vscode.commands.executeCommand('relayChat.enableUser');
    assert.match(prompts.messages.at(-1)?.text ?? '', /"dave" is enabled/);
    const token = await keptToken(api, inviteServer, 'dave');
    assert.ok(token, 'dave signed in from this window earlier');
    assert.equal(await tryToken(inviteServer, 'dave', token), 'welcome', 'the devices dave had work again');
  });

  it('connects over wss:// with the team CA in relayChat.caFile, shown as encrypted; without it says the certificate is not trusted', async () => {
    const tlsUrl = fromEnv('RELAY_CHAT_TEST_TLS_SERVER_URL');
    await settings().update('serverUrl', tlsUrl, GLOBAL);
    await settings().update('userName', 'tester', GLOBAL);

    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'offline', 'refused by TLS');
    await eventually(() => prompts.messages.some((m) => /not trusted/.test(m.text)), 'the not-trusted message');
    assert.match(prompts.messages.find((m) => /not trusted/.test(m.text))!.text, /relayChat\.caFile/);
    assert.match(api.statusBarTooltip(), /not trusted/);
    await vscode.commands.executeCommand('relayChat.disconnect');

    await settings().update('caFile', fromEnv('RELAY_CHAT_TEST_CA_FILE'), GLOBAL);
    assert.match(readFileSync(fromEnv('RELAY_CHAT_TEST_CA_FILE'), 'utf8'), /BEGIN CERTIFICATE/);
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'online over wss://', 15_000);
    assert.equal(api.statusBarText(), '$(lock) online as tester');
    assert.match(api.statusBarTooltip(), /encrypted \(wss:\/\/\)/);
  });
});
