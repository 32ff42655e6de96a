/**
 * Runs the extension-host suite (test/extension-host, bundled to dist/test/extension-host) in
 * a real VS Code: code-server driven by headless Chromium, with a relay server started here.
 * `npm run test:vscode` packages (and so builds) everything first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRelayServer, type RelayServer } from '../../server';
import { repoRoot, runExtensionHostTests } from '../harness';

describe('extension-host suite in code-server', () => {
  let server: RelayServer;
  let workspace: string;

  before(async () => {
    server = await startRelayServer({ port: 0 });
    workspace = mkdtempSync(path.join(os.tmpdir(), 'relay-chat-ext-host-'));
  });

  after(async () => {
    await server.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('passes inside the extension host', async () => {
    const result = await runExtensionHostTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'dist', 'test', 'extension-host', 'index.js'),
      workspaceDir: workspace,
      env: { RELAY_CHAT_TEST_SERVER_URL: server.url },
    });
    console.log(result.log.replace(/^/gm, '    | '));
    assert.equal(result.exitCode, 0, 'the extension-host suite failed; its output is above');
  });
});
