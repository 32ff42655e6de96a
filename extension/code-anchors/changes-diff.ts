/**
 * A diff attachment of a repository's or one file's changes (working tree or staged), from VS
 * Code's git extension, asking which repository and which changes when the invocation did not
 * say. Refused, never cut, when it is over the limit.
 */
import * as vscode from 'vscode';
import { diffAttachment, type DiffAttachment } from '../../protocol/attachments';
import { gitApi, type GitApi, type GitRepository } from '../git/git-extension';
import { changesTarget, type ChangesScope } from '../model/changes-target';
import { diffSizeProblem } from '../model/send-limits';
import { fileNameOf } from '../model/workspace-path';
import { repositoryRemote } from './repository-remote';

export type DiffCapture = { attachment: DiffAttachment } | { problem: string } | { cancelled: true };

const SCOPE_WORDS: Record<ChangesScope, string> = { working: 'working tree changes', staged: 'staged changes' };

export async function captureChanges(arg: unknown): Promise<DiffCapture> {
  const api = await gitApi();
  if (!api) return { problem: "Sharing changes needs VS Code's git extension, which is turned off or missing." };
  const target = changesTarget(arg);
  if (target.kind === 'file') {
    const file = vscode.Uri.file(target.file.fsPath);
    const repository = api.getRepository(file);
    if (!repository) return { problem: `${fileNameOf(file.path)} is not in a git repository open in this window.` };
    // Both diffs, rather than the git extension's lists of changes, which catch up a moment after a save.
    const diffs = { working: await repository.diffWithHEAD(file.fsPath), staged: await repository.diffIndexWithHEAD(file.fsPath) };
    const has = { working: diffs.working.trim() !== '', staged: diffs.staged.trim() !== '' };
    if (!has.working && !has.staged) return { problem: `${fileNameOf(file.path)} has no changes to share.` };
    const scope = has.working && has.staged ? await pickScope(`Share Changes of ${fileNameOf(file.path)}`) : has.staged ? 'staged' : 'working';
    if (!scope) return { cancelled: true };
    const diff = diffs[scope];
    return attachmentOf(repository, scope, diff, fileNameOf(file.path));
  }
  if (api.repositories.length === 0) return { problem: 'No git repository is open in this window.' };
  const named = target.kind === 'repository' && target.in ? vscode.Uri.file(target.in.fsPath) : undefined;
  const repository = named ? api.getRepository(named) : await pickRepository(api);
  if (!repository) return named ? { problem: `${fileNameOf(named.path)} is not in a git repository open in this window.` } : { cancelled: true };
  const scope = (target.kind === 'repository' ? target.scope : undefined) ?? (await pickScope(`Share Changes of ${repositoryName(repository)}`));
  if (!scope) return { cancelled: true };
  return attachmentOf(repository, scope, await repository.diff(scope === 'staged'), repositoryName(repository));
}

function repositoryName(repository: GitRepository): string {
  return fileNameOf(repository.rootUri.path);
}

function attachmentOf(repository: GitRepository, scope: ChangesScope, diff: string, what: string): DiffCapture {
  if (diff.trim() === '') {
    const untracked = scope === 'working' ? ' (new files are in a diff once they are staged)' : '';
    return { problem: `${what} has no ${SCOPE_WORDS[scope]} to share${untracked}.` };
  }
  const tooLarge = diffSizeProblem(diff);
  if (tooLarge) return { problem: tooLarge };
  const base = repository.state.HEAD?.commit;
  const remote = repositoryRemote(repository.state);
  const checked = diffAttachment.safeParse({
    kind: 'diff',
    diff,
    scope,
    ...(base !== undefined ? { base } : {}),
    ...(remote !== undefined ? { remote } : {}),
    folder: repositoryName(repository),
  });
  if (!checked.success) return { problem: `These changes cannot be shared: ${checked.error.issues[0]?.message ?? 'the diff is not valid'}.` };
  return { attachment: checked.data };
}

async function pickRepository(api: GitApi): Promise<GitRepository | undefined> {
  const repositories = api.repositories;
  if (repositories.length <= 1) return repositories[0];
  const picked = await vscode.window.showQuickPick(
    repositories.map((repository) => ({ label: repositoryName(repository), description: repository.rootUri.fsPath, repository })),
    { title: 'Share Changes', placeHolder: 'Which repository?' },
  );
  return picked?.repository;
}

async function pickScope(title: string): Promise<ChangesScope | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Working Tree Changes', description: 'not staged yet (git diff)', scope: 'working' as const },
      { label: 'Staged Changes', description: 'git diff --cached', scope: 'staged' as const },
    ],
    { title, placeHolder: 'Which changes?' },
  );
  return picked?.scope;
}
