/**
 * Where a file is in git, for a code anchor sent from the terminal: its repository's root, HEAD,
 * the remote (normalised) and whether the file has uncommitted changes. The terminal has no git
 * API, so it runs `git`, always with fixed argument lists through execFile: no shell ever reads
 * a path or a remote name.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { GitPlace } from '../../protocol';
import { normaliseRemote } from '../code-refs/remote-url';

const GIT_TIMEOUT_MS = 10_000;

/** The trimmed output, or undefined when git fails (not a repository, no commit yet, no git at all). */
function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    // --no-optional-locks: reading must never take the index lock from someone's running git.
    execFile('git', ['--no-optional-locks', ...args], { cwd, timeout: GIT_TIMEOUT_MS, windowsHide: true }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim()),
    );
  });
}

/** Which remote names the repository: `origin` when there is one, else the first. */
async function remoteOf(root: string): Promise<string | undefined> {
  const names = (await git(root, ['remote']))?.split('\n').filter((name) => name !== '') ?? [];
  const name = names.includes('origin') ? 'origin' : names[0];
  if (name === undefined) return undefined;
  const url = await git(root, ['remote', 'get-url', '--', name]);
  return url === undefined ? undefined : normaliseRemote(url);
}

export interface FileInGit {
  /** The repository's top folder, as git spells it. */
  root: string;
  /** Absent when the repository has no commit yet. */
  git?: GitPlace;
}

/** The repository `file` (an absolute path) is in, or undefined when it is in none. */
export async function gitPlaceOf(file: string): Promise<FileInGit | undefined> {
  const root = await git(path.dirname(file), ['rev-parse', '--show-toplevel']);
  if (root === undefined || root === '') return undefined;
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (commit === undefined || commit === '') return { root };
  const [remote, status] = await Promise.all([remoteOf(root), git(root, ['--literal-pathspecs', 'status', '--porcelain', '--', path.relative(root, file)])]);
  // A file git cannot report on is not known to be as committed.
  const dirty = status !== '';
  return { root, git: { ...(remote !== undefined ? { remote } : {}), commit, dirty } };
}
