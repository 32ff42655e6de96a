/**
 * The remote an anchor or a diff names for its repository: the one the current branch tracks,
 * else `origin`, else the first; normalised so that every spelling of one remote is one string.
 */
import { LIMITS } from '../../protocol/limits';
import { normaliseRemote } from '../../client/code-refs/remote-url';
import type { GitRepositoryState } from '../git/git-extension';

export function repositoryRemote(state: Pick<GitRepositoryState, 'HEAD' | 'remotes'>): string | undefined {
  const { remotes } = state;
  const upstream = state.HEAD?.upstream?.remote;
  const chosen =
    (upstream !== undefined ? remotes.find((remote) => remote.name === upstream) : undefined) ??
    remotes.find((remote) => remote.name === 'origin') ??
    remotes[0];
  const url = chosen?.fetchUrl ?? chosen?.pushUrl;
  const normalised = url === undefined ? undefined : normaliseRemote(url);
  // A remote too long for the wire is left out rather than refusing the whole anchor.
  return normalised !== undefined && normalised.length <= LIMITS.attachmentRemoteMaxLength ? normalised : undefined;
}
