import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRelayServer, type RelayServer, type RelayServerOptions } from '../../server';

/** A server on a free loopback port; the test closes it. */
export async function startTestServer(options: RelayServerOptions = {}): Promise<RelayServer> {
  return startRelayServer({ host: '127.0.0.1', port: 0, ...options });
}

export function tempDir(prefix = 'relay-chat-test-'): { path: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
