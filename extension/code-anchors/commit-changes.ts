/** A commit's changes (what `git show` shows) in the multi-file diff editor, each file before ↔ after. */
import * as vscode from 'vscode';
import type { GitApi, GitRepository } from '../git/git-extension';

export async function showCommitChanges(api: GitApi, repository: GitRepository, hash: string): Promise<{ files: number } | { problem: string }> {
  const commit = await repository.getCommit(hash);
  const parent = commit.parents[0];
  // The git extension diffs `parent...commit`, which needs a parent: a root commit has none to list files against.
  if (parent === undefined) return { problem: `${hash.slice(0, 7)} is the repository's first commit: the git extension cannot list its changes.` };
  const changes = await repository.diffBetween(parent, hash);
  const subject = (commit.message.split('\n')[0] ?? '').slice(0, 80);
  await vscode.commands.executeCommand(
    'vscode.changes',
    `${hash.slice(0, 7)} ${subject}`,
    // A side the file is missing from (added, deleted) opens empty: the git extension shows nothing for it.
    changes.map((change) => [change.uri, api.toGitUri(change.originalUri, parent), api.toGitUri(change.uri, hash)]),
  );
  return { files: changes.length };
}
