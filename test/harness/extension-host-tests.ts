// Running a mocha suite inside the real extension host, as @vscode/test-electron does, but through
// code-server and a browser: the workbench URL carries the development extension and the test
// module in its `payload`, and the workbench reports the host's output and the suite's outcome to
// two functions the page exposes (codeAutomationLog, codeAutomationExit).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from './chromium';
import { startCodeServer } from './code-server';
import { logTail } from './log-file';
import { handleSuiteRequest } from './suite-requests';
import { withTimeout } from './timeout';

export interface ExtensionHostTestOptions {
  /** The folder holding the extension's package.json; it overrides an installed copy with the same id. */
  extensionDevelopmentPath: string;
  /** The module whose `run(): Promise<void>` runs the suite (resolve: passed, reject: failed). */
  extensionTestsPath: string;
  /** The folder the workbench opens. */
  workspaceDir: string;
  /** Added to code-server's environment, which the extension host inherits: read it with process.env. */
  env?: Record<string, string>;
  /** Extensions installed before the run (see installVsix); none if omitted. */
  extensionsDir?: string;
  /** From opening the workbench to the exit code (default 120 s; a small suite takes about 5 s here). */
  timeoutMs?: number;
  /** Where a suite's screenshots go (see suite-requests.ts: a suite line `screenshot: NAME`). */
  screenshotDir?: string;
}

export interface ExtensionHostTestResult {
  /** 0 when run() resolved, 1 when it rejected or could not be loaded. */
  exitCode: number;
  /** What the host printed (console.* in the suite, mocha's reporter), one entry per line. */
  log: string;
}

function absoluteExisting(what: string, file: string, candidates: string[] = [file]): string {
  if (!path.isAbsolute(file)) throw new Error(`${what} must be an absolute path, got ${file}`);
  if (!candidates.some((candidate) => existsSync(candidate))) throw new Error(`${what} does not exist: ${file}`);
  return file;
}

export async function runExtensionHostTests(options: ExtensionHostTestOptions): Promise<ExtensionHostTestResult> {
  const developmentPath = absoluteExisting('extensionDevelopmentPath', options.extensionDevelopmentPath, [
    path.join(options.extensionDevelopmentPath, 'package.json'),
  ]);
  // Like require(), the tests path may leave out ".js".
  const testsPath = absoluteExisting('extensionTestsPath', options.extensionTestsPath, [
    options.extensionTestsPath,
    `${options.extensionTestsPath}.js`,
  ]);
  const workspaceDir = absoluteExisting('workspaceDir', options.workspaceDir);
  const timeoutMs = options.timeoutMs ?? 120_000;

  const server = await startCodeServer({ env: options.env, extensionsDir: options.extensionsDir });
  try {
    const browser = await launchChromium();
    try {
      const lines: string[] = [];
      let reportExit: (code: number) => void = () => {};
      const exited = new Promise<number>((resolve) => {
        reportExit = resolve;
      });
      // The workbench calls these on `window`; they must exist before the page loads.
      await browser.page.exposeFunction('codeAutomationLog', (level: string, message: string) => {
        lines.push(level === 'info' ? message : `[${level}] ${message}`);
        handleSuiteRequest(browser.page, message, options.screenshotDir, (problem) => lines.push(`[harness] ${problem}`));
      });
      await browser.page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));

      // The host resolves these against the remote authority, i.e. code-server's file system.
      const remote = (file: string) => `vscode-remote://127.0.0.1:${server.port}${file}`;
      const payload = [
        ['extensionDevelopmentPath', remote(developmentPath)],
        ['extensionTestsPath', remote(testsPath)],
      ];
      const url = `${server.workbenchUrl(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      await browser.page.goto(url);
      try {
        const exitCode = await withTimeout(exited, timeoutMs, `extension-host tests (${testsPath})`);
        return { exitCode, log: lines.join('\n') };
      } catch (error) {
        throw new Error(
          `${(error as Error).message}\n  host output so far:\n${lines.join('\n')}\n  code-server ${logTail(server.logFile)}`,
        );
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
}
