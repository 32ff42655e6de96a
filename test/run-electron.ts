/**
 * `npm run test:electron`: the extension-host suite in a downloaded VS Code, through
 * @vscode/test-electron. It needs to reach Microsoft's download servers, so it is for
 * contributors' machines and hosted CI; here, test/vscode/extension-host.test.ts runs the same
 * suite in code-server instead. Starts its own relay server on a free loopback port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startRelayServer } from '../server';

async function main(): Promise<void> {
  // This file runs as dist/test/run-electron.js.
  const repoRoot = path.resolve(__dirname, '..', '..');
  const server = await startRelayServer({ port: 0 });
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'relay-chat-electron-'));
  try {
    await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'dist', 'test', 'extension-host', 'index.js'),
      extensionTestsEnv: { RELAY_CHAT_TEST_SERVER_URL: server.url },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    await server.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
