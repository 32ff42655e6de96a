/**
 * VS Code's built-in git extension (`vscode.git`), reached through its public API (version 1)
 * rather than a shelled-out git: it already knows every repository open in the window, and
 * its `git:` URIs open any version of a file in an editor. Only what Relay Chat uses is typed
 * here, by hand, after the API's published shape.
 */
import * as vscode from 'vscode';

export interface GitRemote {
  readonly name: string;
  readonly fetchUrl?: string;
  readonly pushUrl?: string;
}

export interface GitBranch {
  readonly name?: string;
  /** The commit HEAD points at; absent in a repository without commits. */
  readonly commit?: string;
  /** The branch it tracks, when it tracks one: its remote is the one an anchor names first. */
  readonly upstream?: { readonly name: string; readonly remote: string };
}

/** One changed file, as the git extension reports it. */
export interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
  /** The git extension's Status enum (INDEX_MODIFIED = 0, …, MODIFIED = 5, DELETED = 6, UNTRACKED = 7, …). */
  readonly status: number;
}

export interface GitRepositoryState {
  readonly HEAD: GitBranch | undefined;
  readonly remotes: readonly GitRemote[];
  readonly workingTreeChanges: readonly GitChange[];
  readonly indexChanges: readonly GitChange[];
  readonly onDidChange: vscode.Event<void>;
}

export interface GitCommit {
  readonly hash: string;
  readonly message: string;
  readonly parents: readonly string[];
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: GitRepositoryState;
  /** `git diff` of the working tree (or of one file, by absolute path). */
  diff(cached?: boolean): Promise<string>;
  diffWithHEAD(path: string): Promise<string>;
  diffIndexWithHEAD(path: string): Promise<string>;
  /** The unified diff between two refs, of one file when `path` is given. */
  diffBetween(ref1: string, ref2: string, path: string): Promise<string>;
  diffBetween(ref1: string, ref2: string): Promise<GitChange[]>;
  /** A file's content at a ref (path absolute, inside the repository). Rejects when it is not there. */
  show(ref: string, path: string): Promise<string>;
  getCommit(ref: string): Promise<GitCommit>;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: readonly GitRepository[];
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
  getRepository(uri: vscode.Uri): GitRepository | null;
  /** A URI that opens `uri`'s file as it is at `ref` ('' = the index, 'HEAD', a commit). */
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
}

interface GitExtensionExports {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** How long to wait for the git extension to find the repositories before going on without git. */
const GIT_START_TIMEOUT_MS = 10_000;

/**
 * The git API, once the git extension has found the window's repositories; undefined when git
 * is disabled or missing, or still not ready after GIT_START_TIMEOUT_MS, in which case callers go
 * on without git (a snapshot still opens).
 */
export async function gitApi(): Promise<GitApi | undefined> {
  const extension = vscode.extensions.getExtension<GitExtensionExports>('vscode.git');
  if (!extension) return undefined;
  const exports = extension.isActive ? extension.exports : await extension.activate();
  if (!exports.enabled) return undefined;
  const api = exports.getAPI(1);
  if (api.state === 'initialized') return api;
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(false);
    }, GIT_START_TIMEOUT_MS);
    const listener = api.onDidChangeState((state) => {
      if (state !== 'initialized') return;
      clearTimeout(timer);
      listener.dispose();
      resolve(true);
    });
  });
  return ready ? api : undefined;
}
