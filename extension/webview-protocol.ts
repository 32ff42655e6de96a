/**
 * The messages between the extension and its chat webviews, defined once with zod. Both sides
 * import this file: each validates everything it receives, because a webview is a separate
 * page and its messages are untrusted input to the extension (and the other way round).
 * No `vscode` import here: the webview bundle includes this file.
 */
import * as z from 'zod';
// Only the limits and the address: the wire schemas are not needed in the webview bundle.
import { attachment } from '../protocol/attachments';
import { CHANNEL_NAME_PATTERN } from '../protocol/conversation';
import { LIMITS, NAME_PATTERN } from '../protocol/limits';
import { upgradeSavedConversation } from './model/address';

const name = z.string().min(1).max(LIMITS.nameMaxLength);

/** protocol/conversation.ts's `Conversation`, checked: a channel or a person a name can name. */
export const conversationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('channel'), channel: z.string().regex(CHANNEL_NAME_PATTERN) }),
  z.object({ kind: z.literal('direct'), with: z.string().regex(NAME_PATTERN) }),
]);

export const messageStatus = z.enum(['received', 'queued', 'sending', 'sent', 'failed']);
export type MessageStatus = z.infer<typeof messageStatus>;

/** One chat message as a panel shows it; `key` stays the same from pending to acked. */
export const messageEntry = z.object({
  kind: z.literal('message'),
  key: z.string(),
  seq: z.number().int().optional(),
  id: z.string(),
  from: name,
  to: name.optional(),
  text: z.string(),
  ts: z.number(),
  mine: z.boolean(),
  /** Who the server says the message mentions (names, '@here', '@channel'); absent from servers that do not say. */
  mentions: z.array(z.string()).optional(),
  /**
   * (code anchors) The message's attachments; `text` is then the sender's note alone, its
   * fallback for attachment-blind clients taken off (client/code-refs).
   */
  attachments: z.array(attachment).optional(),
  /** The code links in `text` (as client/code-refs/links.ts spells them) that open here: the rest stay text. */
  codeLinks: z.array(z.string()).optional(),
  status: messageStatus,
  error: z.string().optional(),
});
export type MessageEntry = z.infer<typeof messageEntry>;

/** Who joined and who left within a short while, seen live while connected: one line. */
export const presenceEntry = z.object({
  kind: z.literal('presence'),
  key: z.string(),
  joined: z.array(name),
  left: z.array(name),
  ts: z.number(),
});
export type PresenceEntry = z.infer<typeof presenceEntry>;

export const timelineEntry = z.discriminatedUnion('kind', [messageEntry, presenceEntry]);
export type TimelineEntry = z.infer<typeof timelineEntry>;

/** 'disconnected' means there is no connection at all (never connected, or Chat: Disconnect). */
export const connectionView = z.object({
  state: z.enum(['disconnected', 'connecting', 'online', 'offline', 'closed']),
  retryAt: z.number().optional(),
  error: z.string().optional(),
  /** Welcomed at least once: until then nothing is loaded and nothing can be promised. */
  reached: z.boolean(),
});
export type ConnectionView = z.infer<typeof connectionView>;

/** Everything a panel shows; the extension sends it whole, so the webview never has to merge. */
export const panelView = z.object({
  conversation: conversationSchema,
  title: z.string(),
  self: name.optional(),
  connection: connectionView,
  entries: z.array(timelineEntry),
  hasMore: z.boolean(),
  loadingOlder: z.boolean(),
  unreadFromKey: z.string().optional(),
  typing: z.array(name),
  /** (channels) What the header shows; `members` once the server has listed them. */
  channel: z
    .object({ topic: z.string(), private: z.boolean(), members: z.array(name).optional() })
    .optional(),
  /** The names `@` completes to here: the channel's members or the other person (never oneself). */
  mentionable: z.array(name),
  /** (code anchors) What Share Selection / Share Changes put in the composer, sent with the next message. */
  staged: z.array(attachment).optional(),
});
export type PanelView = z.infer<typeof panelView>;

export const toWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('view'), view: panelView }),
  z.object({ type: z.literal('notice'), text: z.string() }),
]);
export type ToWebview = z.infer<typeof toWebview>;

const OPENABLE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** Links in messages open only for these schemes; everything else stays inert text. */
export function isOpenableLink(url: string): boolean {
  try {
    return OPENABLE_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

export const fromWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** The text typed; empty only when attachments are staged (it is then their note: the extension checks). */
  z.object({ type: z.literal('send'), text: z.string() }),
  z.object({ type: z.literal('retry'), id: z.string().min(1).max(LIMITS.messageIdMaxLength) }),
  z.object({ type: z.literal('loadOlder') }),
  z.object({ type: z.literal('typing') }),
  z.object({ type: z.literal('connect') }),
  /** A sender's name was clicked: open the direct conversation with them. */
  z.object({ type: z.literal('openDirect'), with: z.string().regex(NAME_PATTERN) }),
  /** (code anchors) An action on attachment `index` of the message `key` (the extension looks it up itself). */
  z.object({
    type: z.literal('openAttachment'),
    key: z.string().min(1).max(256),
    index: z.number().int().nonnegative().max(LIMITS.attachmentsMax),
    action: z.enum(['open', 'web', 'snapshot', 'diff', 'checkout']),
  }),
  /** (code anchors) A code link in a message's text was clicked: one of that entry's `codeLinks`. */
  z.object({ type: z.literal('openCodeLink'), key: z.string().min(1).max(256), link: z.string().min(1).max(LIMITS.attachmentPathMaxLength + 32) }),
  /** (code anchors) Take staged attachment `index` out of the composer. */
  z.object({ type: z.literal('unstage'), index: z.number().int().nonnegative().max(LIMITS.attachmentsMax) }),
  z.object({
    type: z.literal('openLink'),
    url: z.string().refine(isOpenableLink, 'only http, https and mailto links open'),
  }),
]);
export type FromWebview = z.infer<typeof fromWebview>;

/** What a webview keeps across reloads (vscode.setState); the panel serializer reads it back. */
export const webviewState = z.object({
  // Older versions saved `group` / `private` addresses: they still restore.
  conversation: z.preprocess(upgradeSavedConversation, conversationSchema),
  draft: z.string(),
});
export type WebviewState = z.infer<typeof webviewState>;
