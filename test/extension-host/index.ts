/**
 * The extension-host suite's entry: VS Code (through @vscode/test-electron, or code-server via
 * test/harness) loads this module inside the extension host and awaits `run()`.
 * The suite files are bundled in; they are imported only after mocha has put `describe` and
 * `it` on the global object.
 */
import { format } from 'node:util';
import Mocha from 'mocha';
import { prompts } from './prompts';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, color: false });
  // The host joins console arguments with spaces; format them the way a terminal would.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  mocha.suite.emit('pre-require', globalThis, 'relay-chat.test', mocha);
  // Before any suite file: every prompt the extension shows is answered from here on.
  prompts.install();
  await import('./relay-chat.test');
  await import('./channels.test');
  await import('./accounts.test');
  await import('./code-anchors.test');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test${failures === 1 ? '' : 's'} failed`);
}
