// Where the test environment's pieces live, with an error that says how to get each one that is missing.
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is test/harness/paths.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** Screenshots and other artefacts tests leave for people to look at (gitignored). */
export const testOutputDir = path.join(repoRoot, 'test-output');

const installHint = 'run `bash scripts/install-test-env.sh` (as root) to install the VS Code test environment';

/** The code-server that scripts/install-test-env.sh installs: VS Code 1.100.3 served to a browser. */
export function codeServerBin(): string {
  const bin = path.join(repoRoot, 'scripts', 'vscode-test-env', 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) throw new Error(`code-server is not installed at ${bin}: ${installHint}`);
  return bin;
}

/** Debian's chromium, found on PATH the way `which chromium` finds it. */
export function chromiumBin(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir || '.', 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this PATH entry; try the next.
    }
  }
  throw new Error(`chromium is not on PATH: ${installHint}`);
}
