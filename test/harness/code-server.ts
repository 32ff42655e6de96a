// Starting code-server (the real VS Code workbench and Node extension host, served over HTTP) for
// one test run, and installing .vsix files into an extensions folder it will load.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { logTail, readLog } from './log-file';
import { codeServerBin } from './paths';
import { spawnGroup } from './process-group';
import { makeRunDir, removeRunDir } from './run-dir';
import { withTimeout } from './timeout';
import { writeWorkbenchSettings } from './workbench-settings';

export interface StartCodeServerOptions {
  /** Extensions code-server loads (fill it with installVsix first); a fresh empty folder if omitted. */
  extensionsDir?: string;
  /** VS Code's user data (settings, state, logs); a fresh folder if omitted. */
  userDataDir?: string;
  /** Folder the workbench opens when its URL names none. */
  workspaceDir?: string;
  /**
   * Added to code-server's environment. The extension host is a child of code-server and inherits
   * it, so this is how a test hands values (say, a relay server URL) to the extension under test.
   */
  env?: Record<string, string>;
  /** User settings on top of quietWorkbenchSettings. */
  settings?: Record<string, unknown>;
  /** How long to wait for code-server to listen and answer /healthz (default 30 s). */
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** code-server's stdout and stderr (the extension host's own logs are under userDataDir/logs). */
  readonly logFile: string;
  /** The workbench URL for `folder` (default: workspaceDir, or none). */
  workbenchUrl(folder?: string): string;
  /** What code-server has logged so far. */
  log(): string;
  /** Ends code-server and every process it started, then deletes the folders this call created. */
  stop(): Promise<void>;
}

const listeningLine = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//;

/** Home, XDG folders and user-data-dir args: every code-server call, even --version, writes under HOME. */
function isolatedEnv(runDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = path.join(runDir, 'home');
  mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ...extra,
  };
}

export async function startCodeServer(options: StartCodeServerOptions = {}): Promise<CodeServer> {
  const bin = codeServerBin();
  const runDir = makeRunDir('code-server');
  const userDataDir = options.userDataDir ?? path.join(runDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(runDir, 'extensions');
  const logFile = path.join(runDir, 'code-server.log');
  mkdirSync(extensionsDir, { recursive: true });
  writeWorkbenchSettings(userDataDir, options.settings);

  const args = [
    // Port 0: the system picks a free port and code-server logs which one.
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...(options.workspaceDir ? [options.workspaceDir] : []),
  ];
  const group = spawnGroup(bin, args, isolatedEnv(runDir, options.env), logFile);
  const stop = async () => {
    await group.stop();
    removeRunDir(runDir);
  };

  try {
    const port = await waitForPort(logFile, group.exited, options.startTimeoutMs ?? 30_000);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealthz(url, options.startTimeoutMs ?? 30_000);
    return {
      url,
      port,
      userDataDir,
      extensionsDir,
      logFile,
      workbenchUrl: (folder = options.workspaceDir) => (folder ? `${url}/?folder=${encodeURIComponent(folder)}` : `${url}/`),
      log: () => readLog(logFile),
      stop,
    };
  } catch (error) {
    const message = `code-server did not start: ${(error as Error).message}\n  log: ${logTail(logFile)}`;
    await stop();
    throw new Error(message);
  }
}

async function waitForPort(logFile: string, exited: Promise<number | string>, timeoutMs: number): Promise<number> {
  let exitCode: number | string | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = listeningLine.exec(readLog(logFile));
    if (match?.[1]) return Number(match[1]);
    if (exitCode !== undefined) throw new Error(`it exited (${exitCode}) before listening`);
    await sleep(100);
  }
  throw new Error(`no "HTTP server listening" line within ${timeoutMs} ms`);
}

async function waitForHealthz(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url}/healthz did not answer OK within ${timeoutMs} ms (${lastProblem})`);
}

/**
 * Installs a packaged extension into `extensionsDir` with `code-server --install-extension`, the
 * way a user would. Start code-server with the same extensionsDir afterwards.
 */
export async function installVsix(vsixPath: string, extensionsDir: string, timeoutMs = 60_000): Promise<void> {
  const vsix = path.resolve(vsixPath);
  if (!vsix.endsWith('.vsix')) throw new Error(`installVsix wants a .vsix file, got ${vsix}`);
  const bin = codeServerBin();
  const runDir = makeRunDir('install-vsix');
  const logFile = path.join(runDir, 'install.log');
  mkdirSync(extensionsDir, { recursive: true });
  try {
    // --force: "avoid prompts"; nobody could answer one.
    const args = ['--install-extension', vsix, '--force', '--extensions-dir', extensionsDir, '--user-data-dir', path.join(runDir, 'user-data')];
    const group = spawnGroup(bin, args, isolatedEnv(runDir), logFile);
    let exitCode: number | string;
    try {
      exitCode = await withTimeout(group.exited, timeoutMs, `code-server --install-extension ${vsix}`);
    } catch (error) {
      await group.stop();
      throw new Error(`${(error as Error).message}: ${logTail(logFile)}`);
    }
    // The success line is a second check, besides the exit code, that the extension landed.
    if (exitCode !== 0 || !/was successfully installed/.test(readLog(logFile))) {
      throw new Error(`installing ${vsix} failed (exit ${exitCode}): ${logTail(logFile)}`);
    }
  } finally {
    removeRunDir(runDir);
  }
}
