import assert from 'node:assert/strict';
import { changesTarget } from '../../../extension/model/changes-target';
import { repositoryRemote } from '../../../extension/code-anchors/repository-remote';

/** What a vscode.Uri looks like to a structural check. */
function uri(fsPath: string): { scheme: string; path: string; fsPath: string } {
  return { scheme: 'file', path: fsPath, fsPath };
}

describe('changesTarget (what Share Changes… was invoked on)', () => {
  it('asks from the palette, or when the argument is not recognised', () => {
    assert.deepEqual(changesTarget(undefined), { kind: 'ask' });
    assert.deepEqual(changesTarget('src/a.ts'), { kind: 'ask' });
    assert.deepEqual(changesTarget({ kind: 'channel', channel: 'general' }), { kind: 'ask' });
  });

  it("shares one file from the editor's menus (its URI) and from an SCM resource (its resourceUri)", () => {
    const file = uri('/repo/src/a.ts');
    assert.deepEqual(changesTarget(file), { kind: 'file', file });
    assert.deepEqual(changesTarget({ resourceUri: file, decorations: {} }), { kind: 'file', file });
  });

  it("shares a resource group's repository with its changes: 'index' staged, the others the working tree", () => {
    const file = uri('/repo/src/a.ts');
    assert.deepEqual(changesTarget({ id: 'index', label: 'Staged Changes', resourceStates: [{ resourceUri: file }] }), {
      kind: 'repository',
      scope: 'staged',
      in: file,
    });
    assert.deepEqual(changesTarget({ id: 'workingTree', resourceStates: [{ resourceUri: file }] }), { kind: 'repository', scope: 'working', in: file });
    // An empty group does not say which repository: it is asked.
    assert.deepEqual(changesTarget({ id: 'workingTree', resourceStates: [] }), { kind: 'repository', scope: 'working' });
  });

  it("shares the repository of the SCM view's title (its source control's rootUri), asking which changes", () => {
    const root = uri('/repo');
    assert.deepEqual(changesTarget({ id: 'git', label: 'Git', rootUri: root }), { kind: 'repository', in: root });
  });
});

describe('repositoryRemote', () => {
  const remotes = [
    { name: 'fork', fetchUrl: 'git@github.com:ann/relay.git' },
    { name: 'origin', fetchUrl: 'https://github.com/relay-chat/relay.git' },
  ];

  it("names the upstream's remote first, normalised", () => {
    const HEAD = { name: 'main', commit: 'a'.repeat(40), upstream: { name: 'main', remote: 'fork' } };
    assert.equal(repositoryRemote({ HEAD, remotes }), 'github.com/ann/relay');
  });

  it('else origin, else the first, else none', () => {
    assert.equal(repositoryRemote({ HEAD: { name: 'topic' }, remotes }), 'github.com/relay-chat/relay');
    assert.equal(repositoryRemote({ HEAD: undefined, remotes: [remotes[0]!, { name: 'up', pushUrl: 'ssh://git@gitlab.com/x/y.git' }] }), 'github.com/ann/relay');
    assert.equal(repositoryRemote({ HEAD: undefined, remotes: [{ name: 'up', pushUrl: 'ssh://git@gitlab.com/x/y.git' }] }), 'gitlab.com/x/y');
    assert.equal(repositoryRemote({ HEAD: undefined, remotes: [] }), undefined);
  });
});
