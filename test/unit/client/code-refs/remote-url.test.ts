import assert from 'node:assert/strict';
import { normaliseRemote, webCommitLink, webPermalink } from '../../../../client/code-refs/remote-url';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

describe('code refs: remote URLs', () => {
  it('makes the spellings of one repository one remote', () => {
    for (const url of [
      'git@github.com:org/repo.git',
      'git@github.com:org/repo',
      'git@github.com:/org/repo.git',
      'ssh://git@github.com/org/repo.git',
      'ssh://git@github.com:2222/org/repo.git',
      'git+ssh://git@github.com/org/repo',
      'git://github.com/org/repo.git',
      'https://github.com/org/repo',
      'https://github.com/org/repo/',
      'https://github.com/org/repo.git/',
      'https://GitHub.COM/org/repo',
      'https://user:token@github.com/org/repo.git',
      'https://github.com:443/org/repo',
      'http://github.com:80/org/repo',
      '  https://github.com/org/repo  ',
    ]) {
      assert.equal(normaliseRemote(url), 'github.com/org/repo', url);
    }
  });

  it('keeps the case of the path, a web port that is not the default one, and subgroups', () => {
    assert.equal(normaliseRemote('https://git.example.com:8443/Team/Repo.git'), 'git.example.com:8443/Team/Repo');
    assert.equal(normaliseRemote('http://git.example.com:8080/a/b'), 'git.example.com:8080/a/b');
    assert.equal(normaliseRemote('git@gitlab.com:group/sub/repo.git'), 'gitlab.com/group/sub/repo');
  });

  it('never keeps a user name or password', () => {
    const remote = normaliseRemote('https://alice:s3cr3t-token@Example.com/org/repo')!;
    assert.equal(remote, 'example.com/org/repo');
    assert.ok(!remote.includes('alice') && !remote.includes('s3cr3t'));
    assert.equal(normaliseRemote('ssh://deploy:pw@example.com/org/repo'), 'example.com/org/repo');
  });

  it('is undefined for what is not a network remote', () => {
    for (const url of [
      '',
      '   ',
      '/home/alice/repo',
      '../repo',
      './a:b',
      'C:\\repos\\x',
      'file:///home/alice/repo.git',
      'ftp://example.com/org/repo',
      'https://',
      'https://example.com',
      'https://example.com/',
      'https://exa mple.com/org/repo',
      'https://example.com/org/../repo',
      'https://example.com/org/repo?x=1',
      'git@:org/repo',
      'https://-bad-.com/org/repo',
      'just some words',
      'https://example.com/a\x1b[31m/b',
    ]) {
      assert.equal(normaliseRemote(url), undefined, JSON.stringify(url));
    }
  });

  it('is bounded: very long input is not parsed and results longer than the protocol allows are refused', () => {
    assert.equal(normaliseRemote(`https://example.com/${'a/'.repeat(5000)}repo`), undefined);
    assert.equal(normaliseRemote(`https://example.com/org/${'r'.repeat(600)}`), undefined);
    assert.equal(normaliseRemote(`https://example.com/org/${'r'.repeat(400)}`), `example.com/org/${'r'.repeat(400)}`);
  });

  it('links files and lines on each known host in its own fragment syntax', () => {
    const range = { startLine: 10, endLine: 24 };
    const one = { startLine: 7, endLine: 7 };
    assert.deepEqual(webPermalink('github.com/org/repo', COMMIT, 'src/a.ts', range), {
      host: 'GitHub',
      url: `https://github.com/org/repo/blob/${COMMIT}/src/a.ts#L10-L24`,
    });
    assert.equal(webPermalink('github.com/org/repo', COMMIT, 'src/a.ts', one)!.url, `https://github.com/org/repo/blob/${COMMIT}/src/a.ts#L7`);
    assert.deepEqual(webPermalink('gitlab.com/group/sub/repo', COMMIT, 'a.ts', range), {
      host: 'GitLab',
      url: `https://gitlab.com/group/sub/repo/-/blob/${COMMIT}/a.ts#L10-24`,
    });
    assert.equal(webPermalink('gitlab.example.org/g/r', COMMIT, 'a.ts', one)!.url, `https://gitlab.example.org/g/r/-/blob/${COMMIT}/a.ts#L7`);
    assert.deepEqual(webPermalink('bitbucket.org/team/repo', COMMIT, 'a.ts', range), {
      host: 'Bitbucket',
      url: `https://bitbucket.org/team/repo/src/${COMMIT}/a.ts#lines-10:24`,
    });
    assert.equal(webPermalink('bitbucket.org/team/repo', COMMIT, 'a.ts', one)!.url, `https://bitbucket.org/team/repo/src/${COMMIT}/a.ts#lines-7`);
    assert.deepEqual(webPermalink('codeberg.org/o/r', COMMIT, 'a.ts', range), {
      host: 'Gitea',
      url: `https://codeberg.org/o/r/src/commit/${COMMIT}/a.ts#L10-L24`,
    });
    assert.equal(webPermalink('gitea.example.com:3000/o/r', COMMIT, 'a.ts')!.url, `https://gitea.example.com:3000/o/r/src/commit/${COMMIT}/a.ts`);
  });

  it('takes a remote as configured too, and encodes path segments', () => {
    assert.equal(
      webPermalink('git@github.com:org/repo.git', COMMIT, 'docs/a b#?.md')!.url,
      `https://github.com/org/repo/blob/${COMMIT}/docs/a%20b%23%3F.md`,
    );
  });

  it('links commits on each known host', () => {
    assert.deepEqual(webCommitLink('github.com/org/repo', COMMIT), { host: 'GitHub', url: `https://github.com/org/repo/commit/${COMMIT}` });
    assert.equal(webCommitLink('gitlab.com/g/r', COMMIT)!.url, `https://gitlab.com/g/r/-/commit/${COMMIT}`);
    assert.equal(webCommitLink('bitbucket.org/t/r', COMMIT)!.url, `https://bitbucket.org/t/r/commits/${COMMIT}`);
    assert.equal(webCommitLink('gitea.example.com/o/r', COMMIT)!.url, `https://gitea.example.com/o/r/commit/${COMMIT}`);
  });

  it('has no link for unknown hosts, look-alike hosts, odd repository paths or bad commits', () => {
    assert.equal(webPermalink('git.example.com/org/repo', COMMIT, 'a.ts'), undefined);
    assert.equal(webPermalink('github.com.evil.example/org/repo', COMMIT, 'a.ts'), undefined);
    assert.equal(webPermalink('notgithub.com/org/repo', COMMIT, 'a.ts'), undefined);
    assert.equal(webPermalink('github.com/org/repo/extra', COMMIT, 'a.ts'), undefined);
    assert.equal(webPermalink('github.com/org', COMMIT, 'a.ts'), undefined);
    assert.equal(webPermalink('github.com/org/repo', 'main', 'a.ts'), undefined);
    assert.equal(webCommitLink('github.com/org/repo', 'not-a-commit'), undefined);
    assert.equal(webCommitLink('example.com/org/repo', COMMIT), undefined);
  });
});
