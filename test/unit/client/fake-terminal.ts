/** The interactive client on a fake terminal, for its tests: keys go in, the screen (without cursor moves) comes out. */
import { PassThrough } from 'node:stream';
import type { RelayClient } from '../../../client/relay-client';
import { runInteractive, type InteractiveIO } from '../../../client/terminal/interactive';

export interface FakeTerminal {
  type: (keys: string) => void;
  screen: () => string;
  raw: () => string;
  exited: Promise<number>;
}

export function onTerminal(
  client: RelayClient,
  forgetSession?: (session: string) => void,
  options: Partial<Pick<InteractiveIO, 'channel' | 'style'>> = {},
): FakeTerminal {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { columns: 100_000 });
  const errors = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  errors.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const exited = runInteractive(client, {
    input,
    output,
    errors,
    terminal: true,
    ...(forgetSession ? { forgetSession } : {}),
    ...options,
    style: options.style ?? { color: false },
  });
  return {
    type: (keys) => input.write(keys),
    screen: () => written.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''),
    raw: () => written,
    exited,
  };
}
