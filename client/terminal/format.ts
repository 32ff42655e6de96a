/**
 * How the terminal client shows things, as pure functions of their input so they can be tested:
 * `[12:03] alice → you: hi`, `* bob joined`. Everything that came over the wire is stripped of
 * control characters first, so another user cannot move the cursor or recolour the terminal.
 */
import { conversationLabel, conversationOfMessage, LIMITS, nameKey, type Attachment, type ChannelEvent, type ChannelInfo, type ChatMessage, type Conversation } from '../../protocol';
import { splitNote } from '../code-refs/fallback';
import { findCodeLinks } from '../code-refs/links';
import { mentionsMe } from '../mentions';
import { formatTime } from '../message-time';
import { sanitize, truncate, untrustedLine } from '../untrusted-text';
import { attachmentLines } from './attachment-lines';
import type { FileLinker } from './file-links';

// Kept beside the rest of the terminal's formatting for its tests; the chat panel imports it directly.
export { formatTime };

export interface Style {
  /** ANSI colours, only for a terminal (and not with NO_COLOR). */
  color: boolean;
  /** On a terminal: the files code links in messages may open, as OSC 8 hyperlinks. */
  fileLink?: FileLinker;
}

export interface MessageView {
  from: string;
  to?: string;
  /** The channel of a channel message, shown before the sender. */
  channel?: string;
  text: string;
  ts: number;
  /** Whether it mentions the reader: marked `!`, and bold when styled. */
  mentioned?: boolean;
  /** (new) Code anchors and diffs: shown after the note, which is `text` without their fallback. */
  attachments?: Attachment[];
}

export interface DeviceView {
  id: number;
  label: string;
  createdAt: number;
  lastSeenAt: number;
  current: boolean;
}

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
const DIM = '2';
const BOLD = '1';
const RED = '31';
const MAGENTA = '35';
const REVERSE = '7';
/** Colours a sender's name can get; red is left for errors. */
const NAME_COLORS = ['32', '33', '34', '36', '92', '93', '94', '96'];

function paint(style: Style, codes: string, text: string): string {
  return style.color ? `${ESC}${codes}m${text}${RESET}` : text;
}

/** Each name always gets the same colour, so a conversation is easy to follow. */
function nameColor(name: string): string {
  let hash = 0;
  for (const char of name.toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return NAME_COLORS[hash % NAME_COLORS.length]!;
}

function isMe(name: string, me: string): boolean {
  return nameKey(name) === nameKey(me);
}

function person(name: string, me: string, style: Style): { plain: string; styled: string } {
  if (isMe(name, me)) return { plain: 'you', styled: paint(style, BOLD, 'you') };
  const clean = untrustedLine(name);
  return { plain: clean, styled: paint(style, `${BOLD};${nameColor(clean)}`, clean) };
}

/** How a message from the server is shown to `me`: with its channel (a v1 server's group message is #general's), and whether it mentions them. */
export function messageView(message: Pick<ChatMessage, 'from' | 'to' | 'channel' | 'text' | 'ts' | 'mentions' | 'attachments'>, me: string): MessageView {
  const conversation = conversationOfMessage(message, me);
  return {
    from: message.from,
    ...(message.to !== undefined ? { to: message.to } : {}),
    ...(conversation.kind === 'channel' ? { channel: conversation.channel } : {}),
    text: message.text,
    ts: message.ts,
    mentioned: mentionsMe(message, me),
    ...(message.attachments !== undefined ? { attachments: message.attachments } : {}),
  };
}

const OSC8 = '\x1b]8;;';
const ST = '\x1b\\';
/** A file URL as pathToFileURL writes it: percent-encoded, so nothing in it can end the escape sequence. */
const SAFE_FILE_URL = /^file:\/\/[\x21-\x7e]+$/;

/** A cleaned line with its code links to files that exist here made OSC 8 hyperlinks. */
function withFileLinks(line: string, style: Style): string {
  const fileLink = style.fileLink;
  if (!fileLink) return line;
  let linked = '';
  let done = 0;
  for (const link of findCodeLinks(line)) {
    if (link.target.kind !== 'file') continue;
    const url = fileLink(link.target);
    if (url === undefined || !SAFE_FILE_URL.test(url)) continue;
    linked += `${line.slice(done, link.start)}${OSC8}${url}${ST}${link.text}${OSC8}${ST}`;
    done = link.end;
  }
  return linked + line.slice(done);
}

/** A channel's name as shown: `#build`, cleaned and bounded whatever a server sends. */
export function channelLabel(name: string): string {
  return `#${untrustedLine(name, LIMITS.channelNameMaxLength + 1)}`;
}

/** `#build` or `@bob`, cleaned and bounded. */
export function formatConversation(conversation: Conversation): string {
  return conversation.kind === 'channel' ? channelLabel(conversation.channel) : untrustedLine(conversationLabel(conversation), LIMITS.nameMaxLength + 1);
}

/**
 * `[12:03] #general alice: hi` for a channel, `[12:03] alice → you: hi` and
 * `[12:03] you → bob: hi` for private messages; `[12:03] ! #build alice: @you look` when it
 * mentions the reader. Lines after the first are indented to where the text starts. With
 * attachments, the note comes first, then each attachment (header bold, the rest dimmed).
 */
export function formatMessage(message: MessageView, me: string, now: number, style: Style): string {
  const time = `[${formatTime(message.ts, now)}]`;
  const marker = message.mentioned ? '! ' : '';
  const channel = message.channel === undefined ? '' : `${channelLabel(message.channel)} `;
  const from = person(message.from, me, style);
  const to = message.to === undefined ? undefined : person(message.to, me, style);
  const arrow = to ? ` → ${to.plain}` : '';
  const plainPrefix = `${time} ${marker}${channel}${from.plain}${arrow}: `;
  const styledArrow = to ? paint(style, MAGENTA, ' → ') + to.styled : '';
  const styledMarker = message.mentioned ? `${paint(style, `${BOLD};${REVERSE}`, '!')} ` : '';
  const styledPrefix = `${paint(style, DIM, time)} ${styledMarker}${channel === '' ? '' : paint(style, MAGENTA, channel)}${from.styled}${styledArrow}: `;
  const indent = ' '.repeat(plainPrefix.length);
  // Attachments are shown as themselves, so their text fallback is left off.
  const attachments = (message.attachments ?? []).slice(0, LIMITS.attachmentsMax);
  const note = attachments.length > 0 ? splitNote(message.text, attachments) : message.text;
  // No longer than the protocol allows, whatever a server sends.
  const noteLines = note === '' && attachments.length > 0 ? [] : sanitize(truncate(note, LIMITS.textMaxCodePoints)).split('\n');
  const shown = noteLines.map((line) => withFileLinks(line, style));
  const lines = [
    ...(message.mentioned ? shown.map((line) => paint(style, BOLD, line)) : shown),
    ...attachments.flatMap((attachment) => attachmentLines(attachment).map((line, i) => (i === 0 ? paint(style, BOLD, line) : paint(style, DIM, line)))),
  ];
  const [first, ...rest] = lines;
  return [styledPrefix + (first ?? ''), ...rest.map((line) => indent + line)].join('\n');
}

/** `2 unread, 1 mention`, or '' when there is nothing. */
export function formatCounts(counts: { unread: number; mentions: number } | undefined): string {
  if (!counts || (counts.unread === 0 && counts.mentions === 0)) return '';
  const mentions = counts.mentions === 0 ? '' : `, ${counts.mentions} mention${counts.mentions === 1 ? '' : 's'}`;
  return `${counts.unread} unread${mentions}`;
}

/** `unread elsewhere: #ops 2 unread, 1 mention; @bob 1 unread`, or undefined when nothing is unread. */
export function formatUnreadElsewhere(entries: ReadonlyArray<{ conversation: Conversation; unread: number; mentions: number }>): string | undefined {
  const parts = entries.filter((entry) => formatCounts(entry) !== '').map((entry) => `${formatConversation(entry.conversation)} ${formatCounts(entry)}`);
  return parts.length === 0 ? undefined : `unread elsewhere: ${parts.join('; ')}`;
}

/** `/channels`: one line each, `*` marking those joined, with members, unread and topic. */
export function formatChannelList(
  channels: ReadonlyArray<ChannelInfo & { joined: boolean }>,
  countsOf: (channel: string) => { unread: number; mentions: number } | undefined,
): string {
  if (channels.length === 0) return 'no channels to browse';
  const lines = channels.map((channel) => {
    const facts = [
      `${channel.members} member${channel.members === 1 ? '' : 's'}`,
      ...(channel.private ? ['private'] : []),
      channel.joined ? 'joined' : 'not joined',
      ...(channel.joined && formatCounts(countsOf(channel.name)) !== '' ? [formatCounts(countsOf(channel.name))] : []),
    ];
    const topic = channel.topic === '' ? '' : `: ${untrustedLine(channel.topic, LIMITS.topicMaxLength)}`;
    return `  ${channel.joined ? '*' : ' '} ${channelLabel(channel.name)} (${facts.join(', ')})${topic}`;
  });
  return [`${channels.length} channel${channels.length === 1 ? '' : 's'} (* joined; /join #channel to join one):`, ...lines].join('\n');
}

/** `#ops: 2 members: alice (you), bob` */
export function formatMembers(channel: string, members: readonly string[], me: string): string {
  const names = sortedNames(members, me);
  return `${channelLabel(channel)}: ${names.length} member${names.length === 1 ? '' : 's'}: ${names.join(', ')}`;
}

/** What a channel event says, from the reader's side: `bob joined #build`, `you set the topic of #ops: …`. */
export function formatChannelEvent(event: ChannelEvent, me: string): string {
  const who = (name: string | undefined): string => (name === undefined ? 'someone' : isMe(name, me) ? 'you' : untrustedLine(name));
  const channel = channelLabel(event.channel.name);
  switch (event.event) {
    case 'created':
      return `${who(event.by)} created ${channel}${event.channel.private ? ' (private)' : ''}`;
    case 'joined':
      return event.by !== undefined && event.name !== undefined && nameKey(event.by) !== nameKey(event.name)
        ? `${who(event.by)} added ${who(event.name)} to ${channel}`
        : `${who(event.name)} joined ${channel}`;
    case 'left':
      return `${who(event.name)} left ${channel}`;
    case 'topic':
      return event.channel.topic === ''
        ? `${who(event.by)} cleared the topic of ${channel}`
        : `${who(event.by)} set the topic of ${channel}: ${untrustedLine(event.channel.topic, LIMITS.topicMaxLength)}`;
    case 'renamed':
      return `${who(event.by)} renamed ${event.previous === undefined ? 'a channel' : channelLabel(event.previous)} to ${channel}`;
    case 'archived':
      return `${who(event.by)} archived ${channel}: it is read-only now`;
  }
}

/** `* bob joined` / `* bob left` */
export function formatPresence(name: string, online: boolean, style: Style): string {
  return formatNotice(`${untrustedLine(name)} ${online ? 'joined' : 'left'}`, style);
}

/** A line from the client itself (connection state, command answers): `* text`, dimmed. */
export function formatNotice(text: string, style: Style): string {
  return paint(style, DIM, `* ${sanitize(text)}`);
}

/** A problem: `! text`, in red. */
export function formatError(text: string, style: Style): string {
  return paint(style, RED, `! ${sanitize(text)}`);
}

/** `3 online: alice (you), bob, carol`, sorted, self marked. */
export function formatUserList(users: Iterable<string>, me: string): string {
  const names = sortedNames(users, me);
  return `${names.length} online: ${names.join(', ')}`;
}

/** Cleaned, sorted, self marked `(you)`. */
function sortedNames(users: Iterable<string>, me: string): string[] {
  return [...users]
    .map((name) => (isMe(name, me) ? `${untrustedLine(name)} (you)` : untrustedLine(name)))
    .sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
}

/** `2s`, `0.5s`, `30s`: how long until the next reconnect attempt. */
export function formatDelay(ms: number): string {
  return ms < 1000 ? `${(Math.max(ms, 100) / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

/** A message quoted on one line, shortened: for saying which message an error is about. */
export function formatPreview(text: string, maxLength = 40): string {
  // Cut before collapsing white space, so a huge text costs no more than a short one.
  const oneLine = sanitize(truncate(text, maxLength * 4)).replace(/\s+/g, ' ').trim();
  return JSON.stringify(truncate(oneLine, maxLength));
}

/** `not sent (UNKNOWN_USER): no user is named "nobody": "hi"`: a refused message, quoted. */
export function formatNotSent(message: { text: string; error?: { code: string; message: string } }): string {
  return `not sent (${message.error?.code ?? 'UNKNOWN'}): ${message.error?.message ?? 'no reason given'}: ${formatPreview(message.text)}`;
}

/** What to do about a refused hello, by its code; the server's own words come after it. */
function nextStep(code: string, retryAfterMs: number | undefined): string | undefined {
  switch (code) {
    case 'AUTH_REQUIRED':
      return 'this name needs a sign-in: run relay-chat login, or pass the password with --password-stdin';
    case 'AUTH_FAILED':
      return 'wrong password, or this device was signed out: sign in again with relay-chat login (or --password-stdin)';
    case 'BAD_PASSWORD':
      return `a password is ${LIMITS.passwordMinLength} to ${LIMITS.passwordMaxLength} characters`;
    case 'INVITE_INVALID':
      return 'the invite is unknown, used up or expired: ask for a new one';
    case 'TOO_MANY_ATTEMPTS':
      return `too many failed sign-ins: try again in ${retryAfterMs === undefined ? 'a few minutes' : `${Math.ceil(retryAfterMs / 1000)} s`}`;
    case 'ACCOUNT_DISABLED':
      return 'this account is disabled: ask an admin of the server to enable it';
    default:
      return undefined;
  }
}

/** Why the name could not be used, and what to do next when there is something to do. */
export function formatNameRefused(name: string, code: string, message: string, retryAfterMs?: number): string {
  const step = nextStep(code, retryAfterMs);
  return `the server refused the name ${JSON.stringify(name)} (${code}): ${step === undefined ? message : `${step} (${message})`}`;
}

/** `3 devices signed in as dana:` and one line each, oldest first, this one marked. */
export function formatDeviceList(name: string, devices: ReadonlyArray<DeviceView>, now: number): string {
  const lines = devices.map((device) => {
    const here = device.current ? ' (this device)' : '';
    const seen = `last seen ${formatTime(device.lastSeenAt, now)}, signed in ${formatTime(device.createdAt, now)}`;
    return `  ${device.id}  ${JSON.stringify(untrustedLine(device.label, LIMITS.deviceLabelMaxLength))}: ${seen}${here}`;
  });
  return [`${devices.length} device${devices.length === 1 ? '' : 's'} signed in as ${untrustedLine(name)}:`, ...lines].join('\n');
}

/** An error the server reported that is about no message of ours. */
export function formatServerError(error: { code: string; message: string }): string {
  return `server error (${error.code}): ${error.message}`;
}

/** Where a connection stands when it failed: never made, just lost, or still down after retrying. */
export type ConnectionProblem = 'cannot-connect' | 'lost' | 'still-offline';

/** `connection lost (the server is shutting down); retrying in 2s` */
export function formatConnectionProblem(problem: ConnectionProblem, url: string, error: string, retryInMs?: number): string {
  const what = problem === 'cannot-connect' ? `cannot connect to ${url}` : problem === 'lost' ? 'connection lost' : 'still offline';
  return `${what} (${error})${retryInMs === undefined ? '' : `; retrying in ${formatDelay(retryInMs)}`}`;
}
