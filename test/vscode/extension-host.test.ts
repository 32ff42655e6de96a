/**
 * Runs the extension-host suite (test/extension-host, bundled to dist/test/extension-host) in
 * a real VS Code: code-server driven by headless Chromium, with the relay servers started here:
 * an open one, one where only admins and invites make accounts (with an admin-made account and
 * an invite), and one serving wss:// with a certificate of a test CA.
 * `npm run test:vscode` packages (and so builds) everything first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteBackend, startRelayServer, type RelayServer } from '../../server';
import { PasswordHasher } from '../../server/identity/passwords';
import { makeTestCa } from '../support/certificates';
import { repoRoot, runExtensionHostTests, testOutputDir } from '../harness';

/** Cheap scrypt: these tests check sign-in, not the cost of guessing. */
const passwordCost = { N: 1024, r: 8, p: 1 };
const ACCOUNT = { name: 'carol', password: 'carol-password-1' };
const ADMIN = { name: 'ada', password: 'ada-password-1' };

describe('extension-host suite in code-server', () => {
  const servers: RelayServer[] = [];
  const env: Record<string, string> = {};
  let workspace: string;
  let certificates: string;

  before(async () => {
    const open = await startRelayServer({ port: 0, passwordCost });
    servers.push(open);
    env.RELAY_CHAT_TEST_SERVER_URL = open.url;

    const storage = openSqliteBackend();
    const invite = await startRelayServer({ port: 0, passwordCost, registration: 'invite', storage });
    servers.push(invite);
    const created = await storage.identity.createAccount(ACCOUNT.name, await new PasswordHasher(passwordCost).hash(ACCOUNT.password), false);
    assert.notEqual(created, 'taken');
    const admin = await storage.identity.createAccount(ADMIN.name, await new PasswordHasher(passwordCost).hash(ADMIN.password), true);
    assert.notEqual(admin, 'taken');
    const { code } = await storage.identity.createInvite(1, Date.now() + 60 * 60_000);
    Object.assign(env, {
      RELAY_CHAT_TEST_INVITE_SERVER_URL: invite.url,
      RELAY_CHAT_TEST_ACCOUNT: `${ACCOUNT.name}:${ACCOUNT.password}`,
      RELAY_CHAT_TEST_ADMIN: `${ADMIN.name}:${ADMIN.password}`,
      RELAY_CHAT_TEST_INVITE_CODE: code,
    });

    certificates = mkdtempSync(path.join(os.tmpdir(), 'relay-chat-ext-host-tls-'));
    const ca = makeTestCa(certificates);
    const tls = await startRelayServer({ port: 0, passwordCost, tls: ca.issue('server') });
    servers.push(tls);
    Object.assign(env, { RELAY_CHAT_TEST_TLS_SERVER_URL: tls.url, RELAY_CHAT_TEST_CA_FILE: ca.caFile });

    workspace = mkdtempSync(path.join(os.tmpdir(), 'relay-chat-ext-host-'));
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(workspace, { recursive: true, force: true });
    rmSync(certificates, { recursive: true, force: true });
  });

  it('passes inside the extension host', async () => {
    const result = await runExtensionHostTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'dist', 'test', 'extension-host', 'index.js'),
      workspaceDir: workspace,
      env: { ...env, RELAY_CHAT_TEST_OUTPUT_DIR: testOutputDir },
      screenshotDir: testOutputDir,
    });
    console.log(result.log.replace(/^/gm, '    | '));
    assert.equal(result.exitCode, 0, 'the extension-host suite failed; its output is above');
  });
});
