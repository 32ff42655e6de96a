// Fresh temporary folders, so no run sees another run's HOME, profile or settings.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Creates an empty folder under the system temp dir. Kept short on purpose: code-server puts a
 * unix socket inside its user-data dir, and socket paths are limited to 107 bytes.
 */
export function makeRunDir(purpose: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `relay-${purpose}-`));
}

export function removeRunDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
