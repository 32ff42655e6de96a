/**
 * The Relay Chat sidebar (view `relayChat.users`): three sections, Channels, Direct Messages and
 * Online (see model/tree-rows.ts). A row with unread messages has its name highlighted, the
 * count first in its description, and a badge at its right edge (a file decoration, which a
 * narrow side bar never cuts off): `@N` for mentions, `N` for other unread messages, dimmed for
 * a muted channel. Clicking a row opens its conversation.
 */
import * as vscode from 'vscode';
import { conversationKey, conversationLabel, direct } from './model/address';
import type { ConnectionManager } from './connection-manager';
import type { MutedChannels } from './model/muted-channels';
import {
  attentionCount,
  needsAttention,
  SECTION_LABELS,
  sectionChildren,
  sectionRows,
  type ConversationRow,
  type SidebarData,
  type TreeRow,
  type UserRow,
} from './model/tree-rows';

/** The scheme of the rows' resource URIs: they exist only to carry a badge (see BadgeDecorations). */
const BADGE_SCHEME = 'relay-chat-badge';

export class SidebarTreeProvider implements vscode.TreeDataProvider<TreeRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly connection: ConnectionManager,
    private readonly muted: MutedChannels,
  ) {
    this.subscriptions = [
      connection.watchModel((model) => {
        this.changed.fire();
        return model ? [model.onDidChangeUsers(() => this.changed.fire())] : [];
      }),
      muted.onDidChange(() => this.changed.fire()),
    ];
  }

  /** What the sections show now; empty until a server has answered. */
  data(): SidebarData | undefined {
    const model = this.connection.model;
    if (!model?.connection.reached) return undefined;
    const server = this.connection.serverUrl;
    return {
      channels: model.channels().map((channel) => ({ ...channel, muted: this.muted.isMuted(server, channel.conversation.channel) })),
      direct: model.directConversations(),
      online: model.onlinePeople(),
    };
  }

  /** The activity-bar badge: mentions plus unread direct messages. */
  attention(): number {
    const data = this.data();
    return data ? attentionCount(data) : 0;
  }

  getChildren(element?: TreeRow): TreeRow[] {
    const data = this.data();
    // Until a server has answered, the view stays empty for its welcome text (Connect, or why it cannot reach it).
    if (!data) return [];
    if (!element) return sectionRows();
    return element.kind === 'section' ? sectionChildren(element.section, data) : [];
  }

  getTreeItem(row: TreeRow): vscode.TreeItem {
    switch (row.kind) {
      case 'section': {
        const item = new vscode.TreeItem(SECTION_LABELS[row.section], vscode.TreeItemCollapsibleState.Expanded);
        item.id = `section:${row.section}`;
        item.contextValue = `relayChat.section.${row.section}`;
        return item;
      }
      case 'conversation':
        return channelItem(row);
      case 'user':
        return userItem(row);
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}

function channelItem(row: ConversationRow): vscode.TreeItem {
  const label = conversationLabel(row.conversation);
  const item = new vscode.TreeItem(highlighted(label, needsAttention(row)), vscode.TreeItemCollapsibleState.None);
  item.id = `channels:${conversationKey(row.conversation)}`;
  item.iconPath = new vscode.ThemeIcon(row.private ? 'lock' : 'comment-discussion');
  const counts = countsText(row.unread, row.mentions);
  const description = [counts, row.muted ? 'muted' : undefined, row.topic || undefined].filter(Boolean).join(' · ');
  if (description) item.description = description;
  item.tooltip = [label, row.private ? 'private channel' : undefined, row.topic || undefined, counts, row.muted ? 'muted' : undefined]
    .filter(Boolean)
    .join(', ');
  item.resourceUri = badgeUri(item.id, row.unread, row.mentions, row.muted);
  const general = row.conversation.channel === 'general';
  item.contextValue = `relayChat.channel${general ? '.general' : ''}${row.muted ? '.muted' : ''}`;
  item.command = { command: 'relayChat.openChannel', title: `Open ${label}`, arguments: [row.conversation] };
  return item;
}

function userItem(user: UserRow): vscode.TreeItem {
  const item = new vscode.TreeItem(highlighted(user.name, user.unread > 0 && user.section === 'direct'), vscode.TreeItemCollapsibleState.None);
  item.id = `${user.section}:${conversationKey(direct(user.name))}`;
  const parts = [user.section === 'direct' && user.unread ? countsText(user.unread, 0) : undefined, user.self ? '(you)' : undefined];
  const description = parts.filter(Boolean).join(' · ');
  if (description) item.description = description;
  item.iconPath = user.online
    ? new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('charts.green'))
    : new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('disabledForeground'));
  const unread = user.unread ? `, ${countsText(user.unread, 0)}` : '';
  item.tooltip = `${user.name} is ${user.online ? 'online' : 'offline'}${unread}`;
  // The badge once, on the Direct Messages row: the Online row of the same person only links there.
  if (user.section === 'direct') item.resourceUri = badgeUri(item.id, user.unread, 0, false);
  item.contextValue = user.self ? 'relayChat.self' : 'relayChat.user';
  item.command = { command: 'relayChat.messageUser', title: 'Message User', arguments: [user.name] };
  return item;
}

/** The whole label highlighted while there is something to read: it shows however narrow the view. */
function highlighted(label: string, attention: boolean): vscode.TreeItemLabel {
  return { label, ...(attention ? { highlights: [[0, label.length] as [number, number]] } : {}) };
}

/** The counts first: the end of a description is what a narrow view cuts. */
function countsText(unread: number, mentions: number): string | undefined {
  const parts = [mentions ? `${mentions} mention${mentions === 1 ? '' : 's'}` : undefined, unread ? `${unread} unread` : undefined];
  return parts.filter(Boolean).join(', ') || undefined;
}

/**
 * A row's resource URI carries its badge in the query, so the decoration is worked out from the
 * URI alone and a changed count is a new URI (VS Code asks again) with no refresh events.
 */
function badgeUri(id: string, unread: number, mentions: number, muted: boolean): vscode.Uri | undefined {
  if (!unread && !mentions) return undefined;
  const badge = mentions ? (mentions < 10 ? `@${mentions}` : '@') : unread < 10 ? String(unread) : '9+';
  const tone = mentions ? 'mention' : muted ? 'muted' : 'unread';
  return vscode.Uri.from({ scheme: BADGE_SCHEME, path: `/${encodeURIComponent(id)}`, query: new URLSearchParams({ badge, tone }).toString() });
}

/** Draws the rows' badges (see badgeUri); a badge may hold one or two characters. */
export class BadgeDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== BADGE_SCHEME) return undefined;
    const query = new URLSearchParams(uri.query);
    const badge = query.get('badge');
    if (!badge || badge.length > 2) return undefined;
    const tone = query.get('tone');
    const colour = tone === 'mention' ? 'charts.orange' : tone === 'muted' ? 'disabledForeground' : 'charts.blue';
    return new vscode.FileDecoration(badge, tone === 'muted' ? 'unread, muted' : undefined, new vscode.ThemeColor(colour));
  }
}
