/**
 * Channels, read state and mentions inside a real VS Code (protocol 2), the story: the
 * extension's user ("nina") creates #build, creates the private #ops and invites "dana" (a
 * RelayClient) through the commands; dana mentions nina in #ops, which badges the #ops row and
 * the activity bar and notifies; reading it on nina's other device (a RelayClient signed in with
 * her password) clears the badge here. "erin", a third user, never sees #ops. Muting a channel
 * stops its notifications. Prompts are answered through test/extension-host/prompts.ts.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { RelayClient } from '../../client/relay-client';
import type { RelayChatTestApi, SidebarRowView } from '../../extension/test-api';
import { activateExtension, eventually, serverUrl, settings } from './helpers';
import { prompts } from './prompts';

const PASSWORD = 'nina-password-1';
const OPS = { kind: 'channel' as const, channel: 'ops' };
const BUILD = { kind: 'channel' as const, channel: 'build' };

describe('Relay Chat channels in VS Code', () => {
  let api: RelayChatTestApi;
  const clients: RelayClient[] = [];

  function section(name: string): SidebarRowView[] {
    return api.sidebar().find((entry) => entry.section === name)?.rows ?? [];
  }

  function row(name: string): SidebarRowView | undefined {
    return section('Channels').find((entry) => entry.label === name);
  }

  async function online(name: string, password?: string): Promise<RelayClient> {
    const client = new RelayClient({ url: serverUrl(), name, protocol: 2, ...(password ? { password } : {}) });
    clients.push(client);
    client.connect();
    await eventually(() => client.state === 'online', `${name} online`);
    return client;
  }

  async function closePanels(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(() => api.panels().length === 0, 'the panels to close');
  }

  before(async () => {
    api = await activateExtension();
    prompts.reset();
    await vscode.commands.executeCommand('relayChat.disconnect');
    await settings().update('serverUrl', serverUrl(), vscode.ConfigurationTarget.Global);
    await settings().update('userName', 'nina', vscode.ConfigurationTarget.Global);
    // No token for nina on this device yet: the password box registers her with this one.
    prompts.answer(PASSWORD);
    await vscode.commands.executeCommand('relayChat.connect');
    await eventually(() => api.connectionState() === 'online', 'nina online');
    prompts.reset();
  });

  after(async () => {
    prompts.reset();
    await vscode.commands.executeCommand('relayChat.disconnect');
    for (const client of clients) await client.close();
    await settings().update('userName', 'tester', vscode.ConfigurationTarget.Global);
  });

  it('creates a public channel with Create Channel…, checking the name as it is typed', async () => {
    prompts.answer('Build');
    await vscode.commands.executeCommand('relayChat.createChannel');
    assert.match(prompts.boxes[0]?.problem ?? '', /^Lower-case only/);
    prompts.reset();

    prompts.answer('#build', 'CI and releases');
    prompts.choose((items) => items.find((item) => item.label === 'Public'));
    await vscode.commands.executeCommand('relayChat.createChannel');
    await eventually(() => row('#build'), 'the #build row');
    assert.deepEqual(row('#build'), { label: '#build', description: 'CI and releases', icon: 'comment-discussion' });
    const panel = await eventually(() => api.panels().find((p) => p.title === '#build' && p.channel?.members), "#build's panel with its members");
    assert.deepEqual(panel.channel, { topic: 'CI and releases', private: false, members: ['nina'] });
    prompts.reset();
  });

  it('creates the private #ops and invites dana to it; the panel header follows', async () => {
    const dana = await online('dana');
    prompts.answer('ops', 'on call');
    prompts.choose((items) => items.find((item) => item.label === 'Private'));
    await vscode.commands.executeCommand('relayChat.createChannel');
    await eventually(() => row('#ops'), 'the #ops row');
    assert.equal(row('#ops')?.icon, 'lock');

    let offered: string[] = [];
    prompts.choose((items) => {
      offered = items.map((item) => item.label);
      return items.find((item) => item.label === 'dana');
    });
    await vscode.commands.executeCommand('relayChat.inviteToChannel', OPS);
    assert.ok(offered.includes('dana') && !offered.includes('nina'), `offered ${offered.join(', ')}`);
    await eventually(() => dana.channels.some((channel) => channel.name === 'ops'), 'dana is in #ops');
    const panel = await eventually(
      () => api.panels().find((p) => p.title === '#ops' && p.channel?.members?.length === 2),
      "#ops's header lists dana too",
    );
    assert.deepEqual(panel.channel, { topic: 'on call', private: true, members: ['dana', 'nina'] });
    assert.deepEqual(panel.mentionable, ['dana'], 'the composer completes the other members');
    prompts.reset();
  });

  it("badges a mention on the channel's row and the activity bar, notifies, and clears when read on another device", async () => {
    await closePanels();
    const dana = clients.find((client) => client.name === 'dana')!;
    dana.send('@nina can you look at the deploy?', OPS);
    await eventually(() => row('#ops')?.badge === '@1', 'the mention badge');
    assert.deepEqual(row('#ops'), { label: '#ops', description: '1 mention, 1 unread · on call', icon: 'lock', highlighted: true, badge: '@1' });
    assert.equal(api.badge(), 1);
    const notified = await eventually(() => prompts.messages.find((m) => m.text.startsWith('dana mentioned you in #ops')), 'the notification');
    assert.equal(notified.text, 'dana mentioned you in #ops: @nina can you look at the deploy?');

    // The mention puts #ops first (#general may have unread messages from before nina came; #build has none).
    const order = section('Channels').map((entry) => entry.label);
    assert.equal(order[0], '#ops');
    assert.deepEqual([...order].sort(), ['#build', '#general', '#ops']);

    const phone = await online('nina', PASSWORD);
    await phone.markRead(OPS, phone.lastSeq ?? 0);
    await eventually(() => row('#ops')?.badge === undefined, 'the badge cleared by the phone');
    assert.equal(api.badge(), undefined);
    assert.deepEqual(row('#ops'), { label: '#ops', description: 'on call', icon: 'lock' });
    prompts.reset();
  });

  it('never shows #ops to a third user, and Browse Channels joins a public channel', async () => {
    const erin = await online('erin');
    const listed = (await erin.browseChannels()).channels.map((channel) => channel.name);
    assert.ok(listed.includes('build') && !listed.includes('ops'), `erin sees ${listed.join(', ')}`);
    assert.ok(!erin.channels.some((channel) => channel.name === 'ops'));
    await erin.createChannel('design', { topic: 'pixels' });

    let offered: string[] = [];
    prompts.choose((items) => {
      offered = items.map((item) => `${item.label} | ${item.description ?? ''}`);
      return items.find((item) => item.label.endsWith('#design'));
    });
    await vscode.commands.executeCommand('relayChat.browseChannels');
    assert.ok(offered.includes('$(lock) #ops | 2 members · joined'), offered.join('\n'));
    assert.ok(offered.includes('$(comment-discussion) #design | 1 member'), offered.join('\n'));
    await eventually(() => row('#design'), 'joined #design');
    await eventually(() => api.panels().find((p) => p.title === '#design' && p.channel?.members?.length === 2), "#design's panel");
    prompts.reset();
  });

  it('notifies nothing from a muted channel, and shows its unread count dimmed', async () => {
    await closePanels();
    await vscode.commands.executeCommand('relayChat.muteChannel', BUILD);
    const dana = clients.find((client) => client.name === 'dana')!;
    await dana.joinChannel('build');
    dana.send('@nina the build is red', BUILD);
    await eventually(() => row('#build')?.badge === '@1', "the mention on #build's row");
    assert.match(row('#build')?.description ?? '', /muted/);
    // A direct message after it does notify: had #build's mention notified, it would be there by now.
    dana.send('did you see #build?', 'nina');
    await eventually(() => prompts.messages.find((m) => m.text.startsWith('dana: did you see')), 'the direct message notifies');
    assert.ok(!prompts.messages.some((m) => m.text.includes('#build: @nina')), 'nothing from the muted #build');

    await vscode.commands.executeCommand('relayChat.unmuteChannel', BUILD);
    await eventually(() => !/muted/.test(row('#build')?.description ?? ''), 'unmuted');
    prompts.reset();
  });

  it('renames a channel with Rename Channel… (its open panel follows) and archives it with Archive Channel…', async () => {
    await closePanels();
    await vscode.commands.executeCommand('relayChat.openChannel', BUILD);
    await eventually(() => api.panels().find((p) => p.title === '#build'), "#build's panel");
    prompts.answer('Not A Name');
    await vscode.commands.executeCommand('relayChat.renameChannel', BUILD);
    assert.match(prompts.boxes[0]?.problem ?? '', /channel name/);
    prompts.reset();
    prompts.answer('#releases');
    await vscode.commands.executeCommand('relayChat.renameChannel', BUILD);
    await eventually(() => row('#releases'), 'the row under its new name');
    assert.equal(row('#build'), undefined);
    await eventually(() => api.panels().find((p) => p.title === '#releases'), 'the open panel follows the rename');
    prompts.reset();

    prompts.click(/^Archive #releases\?/, 'Archive');
    await vscode.commands.executeCommand('relayChat.archiveChannel', { kind: 'channel', channel: 'releases' });
    assert.ok(prompts.messages.some((m) => m.modal && /^Archive #releases\?/.test(m.text)), 'it asked first');
    await eventually(() => row('#releases') === undefined, 'an archived channel leaves the list');
    const dana = clients.find((client) => client.name === 'dana')!;
    assert.ok(!(await dana.browseChannels()).channels.some((channel) => channel.name === 'releases'), 'and the browse list');
    prompts.reset();
  });
});
