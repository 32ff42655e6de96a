/** Parses `relay-chat-server` arguments and environment into what the CLI should do. */
import { parseArgs } from 'node:util';
import { DEFAULTS } from './options';

export const DEFAULT_DATA_DIR = 'relay-chat-data';

export const USAGE = `Usage:
  relay-chat-server [options]          run the server
  relay-chat-server release NAME       free NAME and delete its private history

Options (environment variables in brackets):
  --host HOST             interface to listen on (default ${DEFAULTS.host}) [RELAY_CHAT_HOST]
  --port PORT             port, 0 picks a free one (default ${DEFAULTS.port}) [RELAY_CHAT_PORT]
  --data DIR              folder of the embedded store (default ./${DEFAULT_DATA_DIR}) [RELAY_CHAT_DATA]
  --sync normal|full      full fsyncs every commit to survive power loss (default normal) [RELAY_CHAT_SYNC]
  --rate-burst N          frames a connection may send at once (default ${DEFAULTS.rateLimit.burst}) [RELAY_CHAT_RATE_BURST]
  --rate-per-second N     frames per second after the burst (default ${DEFAULTS.rateLimit.perSecond}) [RELAY_CHAT_RATE_PER_SECOND]
  --max-buffered BYTES    drop a client whose unread output passes this (default ${DEFAULTS.maxBufferedBytes}) [RELAY_CHAT_MAX_BUFFERED]
  --deflate               enable permessage-deflate (off by default: it costs CPU per frame) [RELAY_CHAT_DEFLATE=1]
  --help                  show this help
  --version               show the version`;

export interface ServeCommand {
  command: 'serve';
  host: string;
  port: number;
  dataDir: string;
  synchronous: 'normal' | 'full';
  rateLimit: { burst: number; perSecond: number };
  maxBufferedBytes: number;
  perMessageDeflate: boolean;
}

export type CliCommand =
  | ServeCommand
  | { command: 'release'; name: string; dataDir: string }
  | { command: 'help' }
  | { command: 'version' };

export class UsageError extends Error {}

function integer(value: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${what} must be a whole number, got "${value}"`);
  const number = Number(value);
  if (number < min || number > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${number}`);
  return number;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        data: { type: 'string' },
        sync: { type: 'string' },
        'rate-burst': { type: 'string' },
        'rate-per-second': { type: 'string' },
        'max-buffered': { type: 'string' },
        deflate: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const dataDir = values.data ?? env.RELAY_CHAT_DATA ?? DEFAULT_DATA_DIR;

  if (positionals[0] === 'release') {
    if (positionals.length !== 2) throw new UsageError('release takes exactly one NAME');
    return { command: 'release', name: positionals[1]!, dataDir };
  }
  if (positionals.length > 0) throw new UsageError(`unknown command "${positionals[0]}"`);

  const sync = values.sync ?? env.RELAY_CHAT_SYNC ?? 'normal';
  if (sync !== 'normal' && sync !== 'full') throw new UsageError(`--sync must be normal or full, got "${sync}"`);
  const setting = (flag: string | undefined, variable: string, fallback: number): string =>
    flag ?? env[variable] ?? String(fallback);
  return {
    command: 'serve',
    host: values.host ?? env.RELAY_CHAT_HOST ?? DEFAULTS.host,
    port: integer(setting(values.port, 'RELAY_CHAT_PORT', DEFAULTS.port), 'port', 0, 65535),
    dataDir,
    synchronous: sync,
    rateLimit: {
      burst: integer(setting(values['rate-burst'], 'RELAY_CHAT_RATE_BURST', DEFAULTS.rateLimit.burst), 'rate burst', 1, 1e9),
      perSecond: integer(
        setting(values['rate-per-second'], 'RELAY_CHAT_RATE_PER_SECOND', DEFAULTS.rateLimit.perSecond),
        'rate per second',
        1,
        1e9,
      ),
    },
    maxBufferedBytes: integer(
      setting(values['max-buffered'], 'RELAY_CHAT_MAX_BUFFERED', DEFAULTS.maxBufferedBytes),
      'max buffered bytes',
      1024,
      2 ** 31,
    ),
    perMessageDeflate: values.deflate ?? env.RELAY_CHAT_DEFLATE === '1',
  };
}
