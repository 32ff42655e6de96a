/**
 * Which of the receiver's workspace folders and repositories an attachment belongs to: the
 * repository with the same remote (compared normalised, so `git@host:org/repo.git` and
 * `https://host/org/repo` are one), or, when the sender's repository had no remote, the
 * workspace folder with the same name.
 */
import * as vscode from 'vscode';
import { normaliseRemote } from '../../client/code-refs/remote-url';
import { gitApi, type GitApi, type GitRepository } from '../git/git-extension';

export interface WorkspacePlace {
  /** Where the sender's relative paths start: the workspace folder (or the repository root). */
  base: vscode.Uri;
  repository?: GitRepository;
}

export async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type !== vscode.FileType.Directory;
  } catch {
    return false;
  }
}

function inside(child: vscode.Uri, parent: vscode.Uri): boolean {
  const parentPath = parent.path.endsWith('/') ? parent.path : `${parent.path}/`;
  return child.scheme === parent.scheme && child.authority === parent.authority && (child.path === parent.path || child.path.startsWith(parentPath));
}

function hasRemote(repository: GitRepository, remote: string): boolean {
  const wanted = normaliseRemote(remote) ?? remote;
  return repository.state.remotes.some((entry) =>
    [entry.fetchUrl, entry.pushUrl].some((url) => url !== undefined && normaliseRemote(url) === wanted),
  );
}

/**
 * The places a repository's relative paths may start from: the workspace folders at or inside
 * its root (a sender's path is relative to their workspace folder), then the root itself.
 */
function basesOf(repository: GitRepository): vscode.Uri[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri).filter((uri) => inside(uri, repository.rootUri));
  return [...folders, repository.rootUri];
}

export async function repositoriesWithRemote(remote: string, api?: GitApi): Promise<GitRepository[]> {
  const git = api ?? (await gitApi());
  return (git?.repositories ?? []).filter((repository) => hasRemote(repository, remote));
}

/**
 * Where `path` (relative, `/`-separated) of an attachment from `remote` / `folder` is here.
 * With a remote, the first matching repository whose bases hold the file, else the first
 * matching repository at all (the file may have been renamed since); without one, a workspace
 * folder with that name that holds the file.
 */
export async function findWorkspacePlace(origin: { remote?: string; folder?: string }, path: string): Promise<WorkspacePlace | undefined> {
  const api = await gitApi();
  if (origin.remote !== undefined) {
    const repositories = await repositoriesWithRemote(origin.remote, api);
    for (const repository of repositories) {
      for (const base of basesOf(repository)) {
        if (await fileExists(vscode.Uri.joinPath(base, ...path.split('/')))) return { base, repository };
      }
    }
    const first = repositories[0];
    return first ? { base: basesOf(first)[0]!, repository: first } : undefined;
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (origin.folder !== undefined && folder.name !== origin.folder) continue;
    const file = vscode.Uri.joinPath(folder.uri, ...path.split('/'));
    if (!(await fileExists(file))) continue;
    const repository = api?.getRepository(file) ?? undefined;
    return { base: folder.uri, ...(repository ? { repository } : {}) };
  }
  return undefined;
}
