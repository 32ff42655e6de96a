/** The `relay-chat` command line: subcommands, flags, their environment variables and defaults, checked. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { codePointLength, isValidChannelName, isValidName, LIMITS } from '../../protocol';
import { untrustedLine } from '../untrusted-text';

export const DEFAULT_URL = 'ws://127.0.0.1:4446';

export const USAGE = `Usage: relay-chat [--url ws://HOST:PORT] [--name NAME] [--password-stdin] [--batch [--channel NAME]
                  [--code PATH:START[-END]]... [--attach FILE]...]
       relay-chat login [--url URL] [--name NAME] [--invite CODE|LINK] [--password-stdin] [--device LABEL]
       relay-chat logout [--url URL] [--name NAME]

Chat from a terminal with a Relay Chat server.

Commands:
  (none)        chat: interactive on a terminal, else batch mode (--batch)
  login         sign this computer in as a device of NAME, registering the name where the
                server allows (with --invite where it needs one), save the device's token
                and exit; later runs sign in with the token. The password is asked for
                without echo on a terminal (twice when registering with an invite), or read
                from the first line of stdin with --password-stdin
  logout        sign this device out on the server and delete its token here. When the
                server cannot be reached the token is deleted here but stays valid on the
                server until it is revoked from another device (/devices, /revoke) or by an
                admin

Options:
  --url URL     server to connect to, ws:// or wss:// (env RELAY_CHAT_URL; default ${DEFAULT_URL});
                for a server of several nodes, their URLs with commas: each is tried in turn
  --ca FILE     a CA certificate (PEM) to trust for wss:// besides the system's, for a team
                that signs its own (env RELAY_CHAT_CA)
  --name NAME   name to chat as: 1 to ${LIMITS.nameMaxLength} letters, digits, "_", "-", "."
                (env RELAY_CHAT_NAME; default your user name)
  --password-stdin
                sign in with the password on the first line of stdin (or register the
                name with it); when chatting, the rest of stdin is the input as usual. Only
                the token the server gives is saved, never the password
  --invite CODE|LINK
                (login) an invite code from the server's admin, or the whole invite link
                (vscode://relay-chat.relay-chat/invite?server=...&code=...), whose server
                is used unless --url is given
  --device LABEL
                (login) how this device shows in /devices (default "relay-chat on HOST")
  --batch       for scripts: read stdin line by line as if typed ("/msg NAME text" is
                private, "/who" lists who is online, "//" starts text beginning with "/",
                other "/" commands are refused), print messages that arrive to stdout, and
                exit once stdin ends and every line is stored. "#channel text" goes to
                that channel; each printed message shows its channel ("[10:02] #build
                alice: text"; "!" after the time marks a mention of you). Problems go to
                stderr with their line number. On automatically when stdin is not a terminal.
  --channel NAME
                the channel plain lines go to, with or without the "#" (env
                RELAY_CHAT_CHANNEL; default #general): for a bot in batch mode, which
                joins it first if it is public (a private one needs an invite from a
                member); interactive chat starts there
  --code PATH:START[-END]
                (batch) attach a code anchor: lines START to END (1-based, inclusive) of
                the file PATH, with the path from the root of its git repository (else
                from the current folder), its language, and the repository's remote,
                commit and whether the file has uncommitted changes. Repeatable.
  --attach FILE (batch) attach what the JSON file FILE holds: one attachment or a list of
                them, as the protocol defines them (docs/protocol.md). Repeatable.
                All attachments, at most ${LIMITS.attachmentsMax} and in the order given, go with the first
                message line, whose text is their note (without one, alone to --channel);
                the text sent is the note and a readable version of them, for clients
                that show only text
  -h, --help    show this help
  -v, --version show the version

Interactive chat asks for the password when the name needs one (up to 3 tries). It starts
in #general (the prompt shows where plain lines go) and has /join, /leave, /channels,
/create, /topic, /invite, /members and /switch (or #channel alone) for channels, "#channel
text" to post without switching, and /passwd, /devices and /revoke ID|all for the account
(see /help).

Each sign-in is a device of your name, labelled "relay-chat on HOST". Its token, which
owns the name, is kept per server (by the id its /healthz gives, so any URL that reaches
it works) in sessions.json (0600) in $RELAY_CHAT_CONFIG_DIR, else
$XDG_CONFIG_HOME/relay-chat, else ~/.config/relay-chat.

Exit status: 0 done; 1 chat: a line was refused (by the server, or before sending: an
unknown command, a bad /msg, a message over ${LIMITS.textMaxCodePoints} characters), or an --attach file or
--code anchor cannot be read or sent (nothing is sent then), login and logout: the
sessions file could not be written; 2 bad usage; 3 could not connect, the name or the
sign-in was refused, the name connected from elsewhere, or (logout) the server could not
sign the device out, so its token is still valid there; 130 the password prompt was
cancelled with Ctrl+C.`;

export class UsageError extends Error {}

/** Which server, and which name on it. */
export interface ConnectionOptions {
  url: string;
  /** (new) The same server's other nodes, from a comma-separated --url: tried in turn when one is down. */
  otherNodes?: string[];
  name: string;
  /** Path of a PEM CA certificate to trust, besides the system's. */
  caFile?: string;
}

/** (new) Where a bot's attachment comes from: a JSON file (`--attach`) or lines of a file (`--code`). */
export type AttachmentSource = { kind: 'file'; file: string } | { kind: 'code'; file: string; startLine: number; endLine: number };

export interface ChatOptions extends ConnectionOptions {
  batch: boolean;
  /** (batch) What to attach to the first message, in the order given on the command line. */
  attachments?: AttachmentSource[];
  /** Where plain lines go (batch) or start going (interactive), without the `#`. */
  channel?: string;
  /** Read the password from the first line of stdin. */
  passwordStdin: boolean;
}

export interface LoginOptions extends ConnectionOptions {
  passwordStdin: boolean;
  /** An invite code, for registering where the server needs one. */
  invite?: string;
  /** The label for this device instead of "relay-chat on HOST". */
  device?: string;
}

export type TerminalCommand =
  | { command: 'chat'; options: ChatOptions }
  | { command: 'login'; options: LoginOptions }
  | { command: 'logout'; options: ConnectionOptions }
  | { command: 'help' }
  | { command: 'version' };

export interface ArgDefaults {
  /** The OS user name, the name used when none is given. */
  userName: string;
  /** Without a terminal on stdin there is no one to type: batch mode. */
  stdinIsTTY: boolean;
}

/** The flags every command takes; each subcommand adds its own. */
const COMMON_FLAGS = {
  url: { type: 'string' },
  ca: { type: 'string' },
  name: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const CHAT_FLAGS = {
  ...COMMON_FLAGS,
  batch: { type: 'boolean' },
  channel: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  attach: { type: 'string', multiple: true },
  code: { type: 'string', multiple: true },
} as const;
const LOGIN_FLAGS = { ...COMMON_FLAGS, 'password-stdin': { type: 'boolean' }, invite: { type: 'string' }, device: { type: 'string' } } as const;

export function parseTerminalArgs(argv: string[], env: NodeJS.ProcessEnv, defaults: ArgDefaults): TerminalCommand {
  const [first, ...rest] = argv;
  if (first === 'login') return parseLogin(rest, env, defaults);
  if (first === 'logout') {
    const values = parseFlags(rest, COMMON_FLAGS);
    if (values.help) return { command: 'help' };
    if (values.version) return { command: 'version' };
    return { command: 'logout', options: connection(values, env, defaults) };
  }
  const values = parseFlags(argv, CHAT_FLAGS);
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const batch = values.batch === true || !defaults.stdinIsTTY;
  const channel = parseChannel(values.channel ?? (env.RELAY_CHAT_CHANNEL || undefined));
  const attachments = attachmentSources(argv);
  if (attachments.length > 0 && !batch) throw new UsageError('--attach and --code are for batch mode (--batch)');
  return {
    command: 'chat',
    options: {
      ...connection(values, env, defaults),
      batch,
      ...(channel !== undefined ? { channel } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
      passwordStdin: values['password-stdin'] === true,
    },
  };
}

/** `--channel build` or `--channel '#build'`: a name a channel can have. */
function parseChannel(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = value.startsWith('#') ? value.slice(1) : value;
  if (!isValidChannelName(name)) {
    throw new UsageError(
      `${untrustedLine(JSON.stringify(value), 80)} cannot be a channel: a channel name is 1 to ${LIMITS.channelNameMaxLength} lower-case letters, digits, "-" and "_"`,
    );
  }
  return name;
}

/** Every --attach and --code, in the order given (parseArgs keeps each flag's values apart, so its tokens are read). */
function attachmentSources(argv: string[]): AttachmentSource[] {
  const { tokens } = parseArgs({ args: argv, options: CHAT_FLAGS, strict: true, allowPositionals: false, tokens: true });
  const sources: AttachmentSource[] = [];
  for (const token of tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    if (token.name === 'attach') sources.push({ kind: 'file', file: token.value });
    if (token.name === 'code') sources.push(parseCodeSpec(token.value));
  }
  return sources;
}

const CODE_SPEC = /^(.+):([1-9][0-9]{0,8})(?:-([1-9][0-9]{0,8}))?$/;

/** `--code src/hub.ts:10-24` or `--code src/hub.ts:10`. */
export function parseCodeSpec(value: string): AttachmentSource {
  const match = CODE_SPEC.exec(value);
  const shown = untrustedLine(JSON.stringify(value), 80);
  if (!match) throw new UsageError(`--code ${shown}: expected PATH:START or PATH:START-END, lines counted from 1 (src/hub.ts:10-24)`);
  const startLine = Number(match[2]);
  const endLine = match[3] === undefined ? startLine : Number(match[3]);
  if (endLine < startLine) throw new UsageError(`--code ${shown}: the range ends (line ${endLine}) before it starts (line ${startLine})`);
  return { kind: 'code', file: match[1]!, startLine, endLine };
}

function parseLogin(argv: string[], env: NodeJS.ProcessEnv, defaults: ArgDefaults): TerminalCommand {
  const values = parseFlags(argv, LOGIN_FLAGS);
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const invite = values.invite === undefined ? undefined : parseInvite(values.invite);
  // The link says which server it is for; --url still wins, the environment does not.
  const url = values.url ?? invite?.server;
  const device = values.device === undefined ? undefined : checkDeviceLabel(values.device);
  return {
    command: 'login',
    options: {
      ...connection({ ...values, url }, env, defaults),
      passwordStdin: values['password-stdin'] === true,
      ...(invite !== undefined ? { invite: invite.code } : {}),
      ...(device !== undefined ? { device } : {}),
    },
  };
}

function parseFlags<F extends NonNullable<ParseArgsConfig['options']>>(argv: string[], flags: F) {
  try {
    return parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function connection(
  values: { url?: string | undefined; name?: string | undefined; ca?: string | undefined },
  env: NodeJS.ProcessEnv,
  defaults: ArgDefaults,
): ConnectionOptions {
  // Several nodes of one server: "ws://a:4446,ws://b:4446"; the first names the server (saved tokens).
  const [url, ...otherNodes] = (values.url ?? (env.RELAY_CHAT_URL || DEFAULT_URL)).split(',').map((part) => part.trim());
  for (const node of [url!, ...otherNodes]) checkUrl(node);
  const name = values.name ?? (env.RELAY_CHAT_NAME || defaults.userName);
  if (!isValidName(name)) {
    const given = values.name !== undefined || env.RELAY_CHAT_NAME ? 'the name' : 'your user name';
    throw new UsageError(
      `${given} ${JSON.stringify(name)} cannot be used in chat: a name is 1 to ${LIMITS.nameMaxLength} ASCII letters, digits, "_", "-" and "."; pick one with --name`,
    );
  }
  const caFile = values.ca ?? (env.RELAY_CHAT_CA || undefined);
  return { url: url!, ...(otherNodes.length > 0 ? { otherNodes } : {}), name, ...(caFile !== undefined ? { caFile } : {}) };
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${JSON.stringify(url)} is not a URL; the server URL looks like ${DEFAULT_URL}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new UsageError(`the server URL must start with ws:// or wss:// (got ${JSON.stringify(url)})`);
  }
}

/** Where an invite link leads: the extension's URI handler, which the terminal client reads too. */
const INVITE_LINK = { protocol: 'vscode:', host: 'relay-chat.relay-chat', path: '/invite' };
/** What `relay-chat-server invite` prints: printable ASCII, no spaces. */
const INVITE_CODE = new RegExp(`^[\\x21-\\x7e]{1,${LIMITS.inviteMaxLength}}$`);
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** `--invite`: a bare code, or the link `vscode://relay-chat.relay-chat/invite?server=URL&code=CODE`. */
export function parseInvite(value: string): { code: string; server?: string } {
  if (!HAS_SCHEME.test(value)) return { code: checkInviteCode(value) };
  const shown = untrustedLine(JSON.stringify(value), 80);
  let link: URL;
  try {
    link = new URL(value);
  } catch {
    throw new UsageError(`${shown} is not an invite link`);
  }
  if (link.protocol !== INVITE_LINK.protocol || link.host !== INVITE_LINK.host || link.pathname !== INVITE_LINK.path) {
    throw new UsageError(`${shown} is not an invite link: one looks like vscode://relay-chat.relay-chat/invite?server=...&code=...`);
  }
  const code = link.searchParams.get('code');
  if (code === null) throw new UsageError('the invite link has no code');
  const server = link.searchParams.get('server');
  if (server !== null) checkUrl(server);
  return { code: checkInviteCode(code), ...(server !== null ? { server } : {}) };
}

function checkInviteCode(code: string): string {
  if (!INVITE_CODE.test(code)) {
    throw new UsageError(`an invite code is 1 to ${LIMITS.inviteMaxLength} characters without spaces, as relay-chat-server invite prints it`);
  }
  return code;
}

function checkDeviceLabel(label: string): string {
  const length = codePointLength(label);
  if (label.trim() === '' || length > LIMITS.deviceLabelMaxLength || /[\x00-\x1f\x7f-\x9f]/.test(label)) {
    throw new UsageError(`a device label is 1 to ${LIMITS.deviceLabelMaxLength} characters, without control characters`);
  }
  return label;
}
