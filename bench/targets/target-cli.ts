/**
 * The command line the comparison targets share with the Relay CLI, as far as the benchmark
 * needs it: `--host H --port P`, one line with the ws:// URL once listening, clean exit on
 * SIGINT/SIGTERM (which also lets `node --cpu-prof` write its profile).
 */
import { parseArgs } from 'node:util';

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenArgs(program: string, argv: string[]): ListenAddress {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string' }, port: { type: 'string' } } });
  const port = Number(values.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${program}: --port must be a whole number from 0 to 65535, got "${values.port}"`);
  }
  return { host: values.host ?? '127.0.0.1', port };
}

export function announceListening(program: string, host: string, port: number): void {
  console.log(`${program} listening on ws://${host}:${port}`);
}

export function exitOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
