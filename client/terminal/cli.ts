/** `relay-chat`: the terminal client. Interactive on a terminal, batch mode for scripts. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { version } from '../../package.json';
import type { Attachment } from '../../protocol';
import { composeText } from '../code-refs/fallback';
import { RelayClient, type RelayClientOptions } from '../relay-client';
import { untrustedLine } from '../untrusted-text';
import { SavedSessions } from '../saved-sessions';
import { fetchServerId } from '../server-id';
import { SessionFile } from '../session-file';
import { parseTerminalArgs, UsageError, USAGE, type AttachmentSource, type ChatOptions, type ConnectionOptions, type LoginOptions } from './args';
import { readAttachmentFile } from './attach-file';
import { runBatch } from './batch';
import { buildCodeAnchor } from './code-anchor';
import { EXIT } from './exit-codes';
import { readFirstLine } from './first-line';
import { fileLinker, linkRoots } from './file-links';
import { runInteractive } from './interactive';
import { runLogin } from './login';
import { runLogout } from './logout';

function osUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

/** How this device shows in the account's device list (the client cuts it to the protocol's 64). */
function deviceLabel(): string {
  return `relay-chat on ${os.hostname()}`;
}

/** What every command needs to reach the server: its CA, and the tokens saved for it. */
function connectionTo(options: ConnectionOptions): { ca: Buffer | undefined; file: SessionFile; sessions: SavedSessions } {
  const ca = options.caFile === undefined ? undefined : readCa(options.caFile);
  const file = new SessionFile();
  const sessions = new SavedSessions(file, options.url, (url) => fetchServerId(url, ca === undefined ? {} : { ca }));
  return { ca, file, sessions };
}

function clientFor(options: ConnectionOptions, ca: Buffer | undefined, rest: Partial<RelayClientOptions>): RelayClient {
  return new RelayClient({
    url: options.url,
    ...(options.otherNodes ? { otherNodes: options.otherNodes } : {}),
    name: options.name,
    ...(ca !== undefined ? { ca } : {}),
    caHint: "pass your team's CA certificate with --ca FILE",
    ...rest,
  });
}

/** `--attach` files and `--code` anchors, in their order; throws an Error saying what is wrong with one. */
async function loadAttachments(sources: readonly AttachmentSource[]): Promise<Attachment[]> {
  const cwd = process.cwd();
  const lists = await Promise.all(
    sources.map(async (source) => (source.kind === 'file' ? readAttachmentFile(path.resolve(cwd, source.file)) : [await buildCodeAnchor(source, cwd)])),
  );
  return lists.flat();
}

async function chat(options: ChatOptions): Promise<number> {
  let attachments: Attachment[] | undefined;
  if (options.attachments !== undefined) {
    try {
      attachments = await loadAttachments(options.attachments);
    } catch (error) {
      process.stderr.write(`relay-chat: ${untrustedLine(errorMessage(error), 600)}\n`);
      return EXIT.refusedMessage;
    }
  }
  const { ca, file, sessions } = connectionTo(options);
  // Read before anything else, so in batch mode the rest of stdin is the message input.
  const password = options.passwordStdin ? await readFirstLine(process.stdin) : undefined;
  const client = clientFor(options, ca, {
    sessionFor: (name) => sessions.sessionFor(name),
    ...(password !== undefined ? { password } : {}),
    device: deviceLabel(),
    protocol: 2,
  });
  client.on('welcome', (welcome) => {
    try {
      sessions.remember(welcome);
    } catch (error) {
      process.stderr.write(`relay-chat: could not save the session secret (${errorMessage(error)}); next time the name may be refused\n`);
    }
  });
  const channel = options.channel !== undefined ? { channel: options.channel } : {};
  if (attachments !== undefined) {
    // What the attachments alone cannot pass (too many, too big for a frame) is said before connecting.
    const problem = client.checkSend(composeText('', attachments), options.channel !== undefined ? { kind: 'channel', channel: options.channel } : undefined, { attachments });
    if (problem) {
      process.stderr.write(`relay-chat: the attachments cannot be sent (${problem.code}: ${untrustedLine(problem.message, 600)})\n`);
      return EXIT.refusedMessage;
    }
  }
  if (options.batch) {
    return runBatch(client, { input: process.stdin, output: process.stdout, errors: process.stderr }, { ...channel, ...(attachments !== undefined ? { attachments } : {}) });
  }
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  return runInteractive(client, {
    input: process.stdin,
    output: process.stdout,
    errors: process.stderr,
    terminal,
    style: { color: terminal && !process.env.NO_COLOR, ...(process.stdout.isTTY === true ? { fileLink: fileLinker(linkRoots(process.cwd())) } : {}) },
    ...channel,
    forgetSession: (session) => {
      try {
        file.forget(session);
      } catch (error) {
        process.stderr.write(`relay-chat: could not delete the signed-out token from ${file.path} (${errorMessage(error)})\n`);
      }
    },
  });
}

async function login(options: LoginOptions): Promise<number> {
  if (!options.passwordStdin && process.stdin.isTTY !== true) {
    throw new UsageError('there is no terminal to ask for the password on: pass it on the first line of stdin with --password-stdin');
  }
  const { ca, file, sessions } = connectionTo(options);
  const password = options.passwordStdin ? await readFirstLine(process.stdin) : undefined;
  const device = options.device ?? deviceLabel();
  return runLogin(
    {
      name: options.name,
      url: options.url,
      registering: options.invite !== undefined,
      device,
      ...(password !== undefined ? { password } : {}),
      // The saved token goes along: a device signed in before signs in again as itself, not as one more.
      createClient: (typed) =>
        clientFor(options, ca, {
          sessionFor: (name) => sessions.sessionFor(name),
          password: typed,
          device,
          ...(options.invite !== undefined ? { invite: options.invite } : {}),
        }),
      remember: (welcome) => {
        sessions.remember(welcome);
        return file.path;
      },
    },
    { input: process.stdin, output: process.stdout, errors: process.stderr },
  );
}

async function logout(options: ConnectionOptions): Promise<number> {
  const { ca, file, sessions } = connectionTo(options);
  return runLogout(
    {
      name: options.name,
      url: options.url,
      token: await sessions.sessionFor(options.name),
      createClient: (token) => clientFor(options, ca, { session: token }),
      forget: (token) => void file.forget(token),
    },
    { output: process.stdout, errors: process.stderr },
  );
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read the CA certificate ${file}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  const command = parseTerminalArgs(process.argv.slice(2), process.env, {
    userName: osUserName(),
    stdinIsTTY: process.stdin.isTTY === true,
  });
  switch (command.command) {
    case 'help':
      console.log(USAGE);
      return EXIT.ok;
    case 'version':
      console.log(version);
      return EXIT.ok;
    case 'chat':
      return chat(command.options);
    case 'login':
      return login(command.options);
    case 'logout':
      return logout(command.options);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`relay-chat: ${error.message}\n\nRun relay-chat --help for the options.\n`);
      process.exit(EXIT.usage);
    }
    process.stderr.write(`relay-chat: ${errorMessage(error)}\n`);
    process.exit(EXIT.noConnection);
  },
);
