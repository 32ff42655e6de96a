/** Every Relay Chat command, registered in this one place (their titles are in package.json). */
import * as vscode from 'vscode';
import type { ChatPanelManager } from './chat-panel-manager';
import type { ConnectionManager } from './connection-manager';
import type { ChatModel } from './model/chat-model';
import { direct, GENERAL, type Conversation } from './model/address';
import type { MutedChannels } from './model/muted-channels';

export function registerCommands(
  context: vscode.ExtensionContext,
  connection: ConnectionManager,
  panels: ChatPanelManager,
  muted: MutedChannels,
): void {
  // A command's first argument depends on where it was invoked from (see conversationArg);
  // handlers only ever see the conversation it names, if any.
  const register = (id: string, handler: (target: Conversation | undefined) => unknown): void => {
    const run = async (arg?: unknown): Promise<unknown> => {
      // Loaded with the first command, not at activation: it needs zod (see extension.ts).
      const { conversationArg } = await import('./model/command-args');
      return handler(conversationArg(arg));
    };
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };

  register('relayChat.connect', () => connection.connect());
  register('relayChat.disconnect', () => connection.disconnect());
  register('relayChat.reconnect', () => connection.reconnect());
  register('relayChat.changeServer', () => connection.changeServer());
  register('relayChat.showLog', () => connection.showLog());
  register('relayChat.signOut', () => connection.signOut());
  register('relayChat.changePassword', async () => (await import('./account-commands')).changePassword(connection));
  register('relayChat.manageDevices', async () => (await import('./account-commands')).manageDevices(connection));
  register('relayChat.disableUser', async (target) =>
    (await import('./admin-commands')).setUserDisabled(connection, true, target?.kind === 'direct' ? target.with : undefined),
  );
  register('relayChat.enableUser', async () => (await import('./admin-commands')).setUserDisabled(connection, false, undefined));
  register('relayChat.openGroupChat', () => void panels.open(GENERAL));

  const channels = { connection, panels, muted };
  const channelCommand = (id: string, run: (commands: typeof import('./channel-commands'), target: Conversation | undefined) => Promise<void>): void =>
    register(id, async (target) => run(await import('./channel-commands'), target));
  channelCommand('relayChat.browseChannels', (commands) => commands.browseChannels(channels));
  channelCommand('relayChat.createChannel', (commands) => commands.createChannel(channels));
  channelCommand('relayChat.openChannel', (commands, target) => commands.openChannel(channels, target));
  channelCommand('relayChat.leaveChannel', (commands, target) => commands.leaveChannel(channels, target));
  channelCommand('relayChat.inviteToChannel', (commands, target) => commands.inviteToChannel(channels, target));
  channelCommand('relayChat.setTopic', (commands, target) => commands.setTopic(channels, target));
  channelCommand('relayChat.renameChannel', (commands, target) => commands.renameChannel(channels, target));
  channelCommand('relayChat.archiveChannel', (commands, target) => commands.archiveChannel(channels, target));
  channelCommand('relayChat.muteChannel', (commands, target) => commands.setChannelMuted(channels, target, true));
  channelCommand('relayChat.unmuteChannel', (commands, target) => commands.setChannelMuted(channels, target, false));

  // From the palette, or with no user named, ask who.
  register('relayChat.messageUser', async (target) => {
    const model = await requireModel(connection);
    if (!model) return;
    const name = target?.kind === 'direct' ? target.with : await pickUser(model);
    if (name) panels.open(direct(name));
  });

  // Loaded with their first use, like the other command modules.
  const sharing = { connection, panels, requireModel: () => requireModel(connection) };
  register('relayChat.shareSelection', async (target) => (await import('./code-anchors/share-commands')).shareSelection(sharing, target));
  // Its argument is what a menu passes (a file, an SCM resource, group or repository), never a conversation.
  context.subscriptions.push(
    vscode.commands.registerCommand('relayChat.shareChanges', async (arg?: unknown) =>
      (await import('./code-anchors/share-commands')).shareChanges(sharing, arg),
    ),
  );
}

/** The current connection, offering to connect when there is none. */
async function requireModel(connection: ConnectionManager): Promise<ChatModel | undefined> {
  if (connection.model) return connection.model;
  const choice = await vscode.window.showWarningMessage('Relay Chat: not connected.', 'Connect');
  if (choice !== 'Connect') return undefined;
  await connection.connect();
  return connection.model;
}

async function pickUser(model: ChatModel): Promise<string | undefined> {
  const others = model.onlinePeople().filter((user) => !user.self);
  if (others.length === 0) {
    void vscode.window.showInformationMessage('Relay Chat: nobody else is online right now.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    others.map((user) => ({ label: user.name, description: user.unread ? `${user.unread} unread` : undefined })),
    { title: 'Message User', placeHolder: 'Who do you want to message?' },
  );
  return picked?.label;
}
