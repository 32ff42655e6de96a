/** The quick pick of where to send something: the user's channels, then people. */
import * as vscode from 'vscode';
import type { ChatModel } from './model/chat-model';
import { conversationLabel, direct, sameName, type Conversation } from './model/address';

/** The channels the user is in, then the people of their direct conversations and everyone else online. */
export async function pickConversation(model: ChatModel, title: string): Promise<Conversation | undefined> {
  const people: string[] = [];
  for (const person of [...model.directConversations(), ...model.onlinePeople()]) {
    if (!person.self && !people.some((name) => sameName(name, person.name))) people.push(person.name);
  }
  const items: (vscode.QuickPickItem & { conversation?: Conversation })[] = [
    { label: 'Channels', kind: vscode.QuickPickItemKind.Separator },
    ...model.channels().map((channel) => ({
      label: `$(${channel.private ? 'lock' : 'comment-discussion'}) ${conversationLabel(channel.conversation)}`,
      conversation: channel.conversation,
    })),
    { label: 'People', kind: vscode.QuickPickItemKind.Separator },
    ...people.map((name) => ({ label: `$(account) ${name}`, conversation: direct(name) })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Share with…' });
  return picked?.conversation;
}
