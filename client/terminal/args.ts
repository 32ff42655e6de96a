/** The `relay-chat` command line: flags, their environment variables and defaults, checked. */
import { parseArgs } from 'node:util';
import { isValidName, LIMITS } from '../../protocol';

export const DEFAULT_URL = 'ws://127.0.0.1:4446';

export const USAGE = `Usage: relay-chat [--url ws://HOST:PORT] [--name NAME] [--password-stdin] [--batch]

Chat from a terminal with a Relay Chat server.

Options:
  --url URL     server to connect to, ws:// or wss:// (env RELAY_CHAT_URL; default ${DEFAULT_URL})
  --ca FILE     a CA certificate (PEM) to trust for wss:// besides the system's, for a team
                that signs its own (env RELAY_CHAT_CA)
  --name NAME   name to chat as: 1 to ${LIMITS.nameMaxLength} letters, digits, "_", "-", "."
                (env RELAY_CHAT_NAME; default your user name)
  --password-stdin
                sign in with the password on the first line of stdin (or register the
                name with it); the rest of stdin is the input as usual. Only the token
                the server gives is saved, never the password
  --batch       for scripts: read stdin line by line as if typed ("/msg NAME text" is
                private, "/who" lists who is online, "//" starts text beginning with "/",
                other "/" commands are refused), print messages that arrive to stdout, and
                exit once stdin ends and every line is stored. Problems go to stderr with
                their line number. On automatically when stdin is not a terminal.
  -h, --help    show this help
  -v, --version show the version

Each run signs in as a device of your name, labelled "relay-chat on HOST". Its token,
which owns the name, is kept per server (by the id its /healthz gives, so any URL that
reaches it works) in sessions.json (0600) in $RELAY_CHAT_CONFIG_DIR, else
$XDG_CONFIG_HOME/relay-chat, else ~/.config/relay-chat.

Exit status: 0 done; 1 a line was refused (by the server, or before sending: an
unknown command, a bad /msg, a message over ${LIMITS.textMaxCodePoints} characters); 2 bad usage;
3 could not connect, the name or the sign-in was refused, or the name connected from elsewhere.`;

export class UsageError extends Error {}

export interface ChatOptions {
  url: string;
  name: string;
  batch: boolean;
  /** Read the password from the first line of stdin. */
  passwordStdin: boolean;
  /** Path of a PEM CA certificate to trust, besides the system's. */
  caFile?: string;
}

export type TerminalCommand = { command: 'chat'; options: ChatOptions } | { command: 'help' } | { command: 'version' };

export interface ArgDefaults {
  /** The OS user name, the name used when none is given. */
  userName: string;
  /** Without a terminal on stdin there is no one to type: batch mode. */
  stdinIsTTY: boolean;
}

export function parseTerminalArgs(argv: string[], env: NodeJS.ProcessEnv, defaults: ArgDefaults): TerminalCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        ca: { type: 'string' },
        name: { type: 'string' },
        batch: { type: 'boolean' },
        'password-stdin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };

  const url = values.url ?? (env.RELAY_CHAT_URL || DEFAULT_URL);
  checkUrl(url);
  const name = values.name ?? (env.RELAY_CHAT_NAME || defaults.userName);
  if (!isValidName(name)) {
    const given = values.name !== undefined || env.RELAY_CHAT_NAME ? 'the name' : 'your user name';
    throw new UsageError(
      `${given} ${JSON.stringify(name)} cannot be used in chat: a name is 1 to ${LIMITS.nameMaxLength} ASCII letters, digits, "_", "-" and "."; pick one with --name`,
    );
  }
  const caFile = values.ca ?? (env.RELAY_CHAT_CA || undefined);
  return {
    command: 'chat',
    options: {
      url,
      name,
      batch: values.batch === true || !defaults.stdinIsTTY,
      passwordStdin: values['password-stdin'] === true,
      ...(caFile !== undefined ? { caFile } : {}),
    },
  };
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
