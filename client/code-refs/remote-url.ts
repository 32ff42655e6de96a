/**
 * Git remotes, normalised so that the many spellings of one repository compare equal
 * (`git@github.com:org/repo.git`, `ssh://git@github.com/org/repo`, `https://github.com/org/repo/`
 * are all "github.com/org/repo"), and the web pages of known hosts for a commit or a file at one.
 */
import { LIMITS } from '../../protocol/limits';

/** Longer input is not a remote anyone configured; it is not parsed at all. */
const REMOTE_INPUT_MAX_LENGTH = 2048;

/** `scheme://[user[:password]@]host[:port][/path]`; the user part can hold anything but `/` and `@`. */
const URL_FORM = /^([a-z][a-z0-9+.-]{0,15}):\/\/(?:[^/@]*@)?(\[[0-9a-f:.]+\]|[^/:]+)(?::(\d{1,5}))?(\/.*)?$/i;
/** scp-like `[user@]host:path`, which git reads as ssh. A host never contains `/`, so `./a:b` is a path. */
const SCP_FORM = /^(?:[^/@:]+@)?([^/:@]+):(?!\/\/)(.+)$/;
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;
/** Percent-escapes and the characters forges allow in group and repository names. */
const PATH_SEGMENT = /^[A-Za-z0-9._~%+-]+$/;

const WEB_SCHEMES: Record<string, string> = { http: '80', https: '443' };
/** Schemes whose port is not the web's, so it says nothing about which repository it is and is dropped. */
const GIT_SCHEMES = new Set(['ssh', 'git', 'git+ssh', 'ssh+git']);

/**
 * "host/org/repo" (host lower-case; a port only for http(s) and only when not the default one),
 * never a user name or password; undefined for anything that is not a network remote (a local
 * path, `file://`, garbage) or would be longer than the protocol allows.
 */
export function normaliseRemote(url: string): string | undefined {
  const input = url.trim();
  if (input.length === 0 || input.length > REMOTE_INPUT_MAX_LENGTH || /[\s\x00-\x1f\x7f?#\\]/.test(input)) return undefined;
  let host: string;
  let port: string | undefined;
  let path: string;
  const asUrl = URL_FORM.exec(input);
  if (asUrl) {
    const scheme = asUrl[1]!.toLowerCase();
    const webDefault = WEB_SCHEMES[scheme];
    if (webDefault === undefined && !GIT_SCHEMES.has(scheme)) return undefined;
    host = asUrl[2]!;
    port = webDefault !== undefined && asUrl[3] !== undefined && Number(asUrl[3]) !== Number(webDefault) ? String(Number(asUrl[3])) : undefined;
    path = asUrl[4] ?? '';
  } else {
    const asScp = input.includes('://') ? null : SCP_FORM.exec(input);
    if (!asScp) return undefined;
    host = asScp[1]!;
    path = asScp[2]!;
  }
  host = host.toLowerCase();
  if (!HOST_NAME.test(host)) return undefined;
  const segments = path.replace(/\/+$/, '').replace(/\.git$/i, '').split('/').filter((segment) => segment !== '');
  if (segments.length === 0 || !segments.every((segment) => PATH_SEGMENT.test(segment) && segment !== '.' && segment !== '..')) return undefined;
  const normalised = `${host}${port !== undefined ? `:${port}` : ''}/${segments.join('/')}`;
  return normalised.length <= LIMITS.attachmentRemoteMaxLength ? normalised : undefined;
}

export type WebHost = 'GitHub' | 'GitLab' | 'Bitbucket' | 'Gitea';

export interface WebLink {
  host: WebHost;
  url: string;
}

export interface LineSpan {
  startLine: number;
  endLine: number;
}

/** How each kind of forge spells its pages; `repo` is "https://host/org/repo". */
interface Forge {
  /** GitLab has subgroups (`group/sub/repo`); the others are exactly `owner/repo`. */
  nestedGroups: boolean;
  file(repo: string, commit: string, path: string): string;
  lines(span: LineSpan): string;
  commit(repo: string, commit: string): string;
}

const FORGES: Record<WebHost, Forge> = {
  GitHub: {
    nestedGroups: false,
    file: (repo, commit, path) => `${repo}/blob/${commit}/${path}`,
    lines: (span) => (span.startLine === span.endLine ? `#L${span.startLine}` : `#L${span.startLine}-L${span.endLine}`),
    commit: (repo, commit) => `${repo}/commit/${commit}`,
  },
  GitLab: {
    nestedGroups: true,
    file: (repo, commit, path) => `${repo}/-/blob/${commit}/${path}`,
    lines: (span) => (span.startLine === span.endLine ? `#L${span.startLine}` : `#L${span.startLine}-${span.endLine}`),
    commit: (repo, commit) => `${repo}/-/commit/${commit}`,
  },
  Bitbucket: {
    nestedGroups: false,
    file: (repo, commit, path) => `${repo}/src/${commit}/${path}`,
    lines: (span) => (span.startLine === span.endLine ? `#lines-${span.startLine}` : `#lines-${span.startLine}:${span.endLine}`),
    commit: (repo, commit) => `${repo}/commits/${commit}`,
  },
  Gitea: {
    nestedGroups: false,
    file: (repo, commit, path) => `${repo}/src/commit/${commit}/${path}`,
    lines: (span) => (span.startLine === span.endLine ? `#L${span.startLine}` : `#L${span.startLine}-L${span.endLine}`),
    commit: (repo, commit) => `${repo}/commit/${commit}`,
  },
};

function hostKind(hostAndPort: string): WebHost | undefined {
  const host = hostAndPort.replace(/:\d+$/, '');
  if (host === 'github.com') return 'GitHub';
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) return 'GitLab';
  if (host === 'bitbucket.org') return 'Bitbucket';
  if (host === 'codeberg.org' || host.startsWith('gitea.')) return 'Gitea';
  return undefined;
}

const NORMALISED_FORM = /^[a-z0-9.-]+(?::\d{1,5})?\//;
const COMMIT_ID = /^[0-9a-f]{7,40}$/i;

/** The forge and "https://host/org/repo" for a remote (normalised or not) on a known host. */
function forgeOf(remote: string): { host: WebHost; forge: Forge; repo: string } | undefined {
  // A normalised remote ("host[:port]/org/repo") has no scheme; read it as the https URL it stands for.
  const normalised = normaliseRemote(NORMALISED_FORM.test(remote) ? `https://${remote}` : remote);
  if (normalised === undefined) return undefined;
  const [hostAndPort, ...segments] = normalised.split('/');
  const host = hostKind(hostAndPort!);
  if (host === undefined) return undefined;
  const forge = FORGES[host];
  if (forge.nestedGroups ? segments.length < 2 : segments.length !== 2) return undefined;
  return { host, forge, repo: `https://${normalised}` };
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The page of `path` at `commit` on the remote's forge, at `range`'s lines when given; undefined for unknown hosts. */
export function webPermalink(remote: string, commit: string, path: string, range?: LineSpan): WebLink | undefined {
  const known = forgeOf(remote);
  if (!known || !COMMIT_ID.test(commit) || path === '' || path.startsWith('/')) return undefined;
  const lines = range ? known.forge.lines(range) : '';
  return { host: known.host, url: known.forge.file(known.repo, commit.toLowerCase(), encodePath(path)) + lines };
}

/** The page of `commit` on the remote's forge; undefined for unknown hosts. */
export function webCommitLink(remote: string, commit: string): WebLink | undefined {
  const known = forgeOf(remote);
  if (!known || !COMMIT_ID.test(commit)) return undefined;
  return { host: known.host, url: known.forge.commit(known.repo, commit.toLowerCase()) };
}
