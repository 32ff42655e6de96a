/** `relay-chat`: the terminal client. Interactive on a terminal, batch mode for scripts. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { version } from '../../package.json';
import { RelayClient } from '../relay-client';
import { SavedSessions } from '../saved-sessions';
import { fetchServerId } from '../server-id';
import { SessionFile } from '../session-file';
import { parseTerminalArgs, UsageError, USAGE, type ChatOptions } from './args';
import { runBatch } from './batch';
import { EXIT } from './exit-codes';
import { readFirstLine } from './first-line';
import { runInteractive } from './interactive';

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

async function chat(options: ChatOptions): Promise<number> {
  const ca = options.caFile === undefined ? undefined : readCa(options.caFile);
  // Read before anything else, so in batch mode the rest of stdin is the message input.
  const password = options.passwordStdin ? await readFirstLine(process.stdin) : undefined;
  const sessions = new SavedSessions(new SessionFile(), options.url, (url) => fetchServerId(url, ca === undefined ? {} : { ca }));
  const client = new RelayClient({
    url: options.url,
    name: options.name,
    sessionFor: (name) => sessions.sessionFor(name),
    ...(password !== undefined ? { password } : {}),
    device: deviceLabel(),
    ...(ca !== undefined ? { ca } : {}),
    caHint: "pass your team's CA certificate with --ca FILE",
  });
  client.on('welcome', (welcome) => {
    try {
      sessions.remember(welcome);
    } catch (error) {
      process.stderr.write(`relay-chat: could not save the session secret (${errorMessage(error)}); next time the name may be refused\n`);
    }
  });
  if (options.batch) return runBatch(client, { input: process.stdin, output: process.stdout, errors: process.stderr });
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  return runInteractive(client, {
    input: process.stdin,
    output: process.stdout,
    errors: process.stderr,
    terminal,
    style: { color: terminal && !process.env.NO_COLOR },
  });
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
