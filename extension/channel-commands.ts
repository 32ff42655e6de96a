/**
 * The channel commands (protocol 2): Browse Channels…, Create Channel…, Open Channel…, Leave
 * Channel, Invite to Channel…, Set Topic…, Rename Channel…, Archive Channel and Mute / Unmute Channel. Each works on the channel
 * it was invoked on (a tree row, a panel) or asks which; the server's refusals are shown as the
 * server worded them, cut to one line.
 */
import * as vscode from 'vscode';
import type { ChatPanelManager } from './chat-panel-manager';
import type { ConnectionManager } from './connection-manager';
import { askStep } from './input-step';
import { conversationLabel, sameName, type Conversation } from './model/address';
import type { ChatModel } from './model/chat-model';
import type { MutedChannels } from './model/muted-channels';
import { oneLine } from './model/one-line';
import { SERVER_TEXT_MAX } from './model/refusal';
import { channelNameFrom } from './model/validation';
import { LIMITS } from '../protocol/limits';
import { GENERAL_CHANNEL } from '../protocol/conversation';

type Channel = Extract<Conversation, { kind: 'channel' }>;

/** Topics come from other users: shown cut to this many code points in a pick list. */
const TOPIC_SHOWN_MAX = 100;

export interface ChannelCommandContext {
  connection: ConnectionManager;
  panels: ChatPanelManager;
  muted: MutedChannels;
}

/** The model of the live connection, or undefined after saying that one is needed. */
function onlineModel(connection: ConnectionManager, what: string): ChatModel | undefined {
  const model = connection.model;
  if (model?.connection.state === 'online') return model;
  void vscode.window.showWarningMessage(`Relay Chat: connect first to ${what}.`);
  return undefined;
}

function showFailure(what: string, error: unknown): void {
  const why = oneLine(error instanceof Error ? error.message : String(error), SERVER_TEXT_MAX);
  void vscode.window.showErrorMessage(`Relay Chat: could not ${what}: ${why}`);
}

function channelOf(conversation: Conversation | undefined): Channel | undefined {
  return conversation?.kind === 'channel' ? conversation : undefined;
}

/** The channel invoked on, or one the user is in, picked (`except` left out of the list). */
async function targetChannel(model: ChatModel, target: Conversation | undefined, title: string, except?: string): Promise<Channel | undefined> {
  const given = channelOf(target);
  if (given) return given;
  const channels = model.channels().filter((channel) => channel.conversation.channel !== except);
  if (channels.length === 0) {
    void vscode.window.showInformationMessage('Relay Chat: you are in no channel this applies to.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    channels.map((channel) => ({
      label: conversationLabel(channel.conversation),
      ...(channel.topic ? { description: oneLine(channel.topic, TOPIC_SHOWN_MAX) } : {}),
      channel: channel.conversation,
    })),
    { title, placeHolder: 'Which channel?' },
  );
  return picked?.channel;
}

export async function browseChannels({ connection, panels }: ChannelCommandContext): Promise<void> {
  const model = onlineModel(connection, 'browse channels');
  if (!model) return;
  let listed;
  try {
    listed = (await model.client.browseChannels()).channels;
  } catch (error) {
    return showFailure('list the channels', error);
  }
  const items = listed.map((channel) => ({
    label: `$(${channel.private ? 'lock' : 'comment-discussion'}) #${channel.name}`,
    description: `${channel.members} member${channel.members === 1 ? '' : 's'}${channel.joined ? ' · joined' : ''}`,
    ...(channel.topic ? { detail: oneLine(channel.topic, TOPIC_SHOWN_MAX) } : {}),
    channel: channel.name,
    joined: channel.joined,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Browse Channels',
    placeHolder: 'Pick a channel to join it (or open it, if you are in it)',
    matchOnDetail: true,
  });
  if (!picked) return;
  const conversation: Channel = { kind: 'channel', channel: picked.channel };
  if (!picked.joined) {
    try {
      await model.client.joinChannel(picked.channel);
    } catch (error) {
      return showFailure(`join #${picked.channel}`, error);
    }
  }
  panels.open(conversation);
}

export async function createChannel({ connection, panels }: ChannelCommandContext): Promise<void> {
  if (!onlineModel(connection, 'create a channel')) return;
  const title = 'Relay Chat: Create Channel';
  const name = await askStep({
    title,
    prompt: 'The channel name, like build or team-ops',
    value: '',
    step: { index: 1, count: 3 },
    check: channelNameFrom,
  });
  if (name === undefined) return;
  const visibility = await vscode.window.showQuickPick(
    [
      { label: 'Public', description: 'anyone can find it in Browse Channels and join', private: false },
      { label: 'Private', description: 'only the people its members invite can see it', private: true },
    ],
    { title: `${title} (2/3)`, placeHolder: `Who can see #${name}?` },
  );
  if (!visibility) return;
  const topic = await askStep({
    title,
    prompt: `A topic for #${name}, shown at the top of its panel (optional)`,
    value: '',
    step: { index: 3, count: 3 },
    check: (text) => (text.length <= LIMITS.topicMaxLength ? { value: text.trim() } : { problem: `At most ${LIMITS.topicMaxLength} characters` }),
  });
  if (topic === undefined) return;
  // The model may have been replaced while the prompts were open.
  const model = onlineModel(connection, 'create a channel');
  if (!model) return;
  try {
    await model.client.createChannel(name, { private: visibility.private, ...(topic ? { topic } : {}) });
  } catch (error) {
    return showFailure(`create #${name}`, error);
  }
  panels.open({ kind: 'channel', channel: name });
}

export async function openChannel({ connection, panels }: ChannelCommandContext, target: Conversation | undefined): Promise<void> {
  const given = channelOf(target);
  if (given) return void panels.open(given);
  const model = onlineModel(connection, 'open a channel');
  if (!model) return;
  const channel = await targetChannel(model, undefined, 'Open Channel');
  if (channel) panels.open(channel);
}

export async function leaveChannel({ connection }: ChannelCommandContext, target: Conversation | undefined): Promise<void> {
  const model = onlineModel(connection, 'leave a channel');
  if (!model) return;
  const channel = await targetChannel(model, target, 'Leave Channel', GENERAL_CHANNEL);
  if (!channel) return;
  if (channel.channel === GENERAL_CHANNEL) {
    void vscode.window.showInformationMessage('Relay Chat: everyone is in #general; it cannot be left.');
    return;
  }
  const isPrivate = model.channels().find((entry) => entry.conversation.channel === channel.channel)?.private === true;
  if (isPrivate) {
    const choice = await vscode.window.showWarningMessage(
      `Leave the private channel #${channel.channel}?`,
      { modal: true, detail: 'Only an invitation from one of its members brings you back.' },
      'Leave',
    );
    if (choice !== 'Leave') return;
  }
  try {
    await model.client.leaveChannel(channel.channel);
  } catch (error) {
    showFailure(`leave #${channel.channel}`, error);
  }
}

export async function inviteToChannel({ connection }: ChannelCommandContext, target: Conversation | undefined): Promise<void> {
  const model = onlineModel(connection, 'invite someone');
  if (!model) return;
  const channel = await targetChannel(model, target, 'Invite to Channel', GENERAL_CHANNEL);
  if (!channel) return;
  // Everyone the user knows of: online now or in a direct conversation.
  const people = new Map<string, { label: string; description?: string }>();
  for (const person of [...model.onlinePeople(), ...model.directConversations()]) {
    if (person.self || [...people.keys()].some((name) => sameName(name, person.name))) continue;
    people.set(person.name, { label: person.name, ...(person.online ? { description: 'online' } : {}) });
  }
  if (people.size === 0) {
    void vscode.window.showInformationMessage('Relay Chat: there is nobody to invite yet: people show up here once they are online.');
    return;
  }
  const picked = await vscode.window.showQuickPick([...people.values()], {
    title: `Invite to #${channel.channel}`,
    placeHolder: 'Who?',
  });
  if (!picked) return;
  try {
    await model.client.inviteToChannel(channel.channel, picked.label);
  } catch (error) {
    return showFailure(`invite ${picked.label} to #${channel.channel}`, error);
  }
  void vscode.window.showInformationMessage(`Relay Chat: ${picked.label} is in #${channel.channel} now.`);
}

export async function setTopic({ connection }: ChannelCommandContext, target: Conversation | undefined): Promise<void> {
  const model = onlineModel(connection, 'set a topic');
  if (!model) return;
  const channel = await targetChannel(model, target, 'Set Topic');
  if (!channel) return;
  const current = model.channels().find((entry) => entry.conversation.channel === channel.channel)?.topic ?? '';
  const topic = await askStep({
    title: `Relay Chat: Topic of #${channel.channel}`,
    prompt: 'Shown at the top of the channel; leave it empty for none',
    value: current,
    check: (text) => (text.length <= LIMITS.topicMaxLength ? { value: text.trim() } : { problem: `At most ${LIMITS.topicMaxLength} characters` }),
  });
  if (topic === undefined) return;
  try {
    await model.client.setTopic(channel.channel, topic);
  } catch (error) {
    showFailure(`set the topic of #${channel.channel}`, error);
  }
}

export async function renameChannel({ connection }: ChannelCommandContext, target: Conversation | undefined): Promise<void> {
  const model = onlineModel(connection, 'rename a channel');
  if (!model) return;
  const channel = await targetChannel(model, target, 'Rename Channel', GENERAL_CHANNEL);
  if (!channel) return;
  const name = await askStep({
    title: `Relay Chat: Rename #${channel.channel}`,
    prompt: 'The new name; its messages, members and panels stay with it (its creator or an admin can rename it)',
    value: channel.channel,
    check: channelNameFrom,
  });
  if (name === undefined || name === channel.channel) return;
  try {
    await model.client.renameChannel(channel.channel, name);
  } catch (error) {
    showFailure(`rename #${channel.channel}`, error);
  }
}

export async function archiveChannel({ connection }: ChannelCommandContext, target: Conversation | undefined): Promise<void> {
  const model = onlineModel(connection, 'archive a channel');
  if (!model) return;
  const channel = await targetChannel(model, target, 'Archive Channel', GENERAL_CHANNEL);
  if (!channel) return;
  const choice = await vscode.window.showWarningMessage(
    `Archive #${channel.channel}?`,
    { modal: true, detail: 'It becomes read-only and leaves everyone\'s channel list; its history stays. This cannot be undone from here.' },
    'Archive',
  );
  if (choice !== 'Archive') return;
  try {
    await model.client.archiveChannel(channel.channel);
  } catch (error) {
    showFailure(`archive #${channel.channel}`, error);
  }
}

export async function setChannelMuted({ connection, muted }: ChannelCommandContext, target: Conversation | undefined, mute: boolean): Promise<void> {
  const server = connection.serverUrl;
  const model = connection.model;
  if (!server || !model) {
    void vscode.window.showWarningMessage(`Relay Chat: connect first to ${mute ? 'mute' : 'unmute'} a channel.`);
    return;
  }
  const channel = await targetChannel(model, target, mute ? 'Mute Channel' : 'Unmute Channel');
  if (channel) await muted.setMuted(server, channel.channel, mute);
}
