/**
 * The git repositories the code-anchor tests share code from: "origin" with two commits, and
 * "demo", its clone at the second commit, inside the workspace folder (the git extension finds
 * repositories one level down). The second commit moves lines (ten inserted above them),
 * deletes a function, and renames a file; the clone's remote is `git@github.com:relay/demo.git`.
 * Built with the git binary (fixed arguments, no shell): this is the test making a repository,
 * not the extension reading one.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REMOTE_URL = 'git@github.com:relay/demo.git';
/** The remote as an anchor carries it, normalised. */
export const REMOTE = 'github.com/relay/demo';

const GREET = ['export function greet(name: string): string {', '  const greeting = `hello ${name}`;', '  return greeting;', '}'];
const LEGACY = ['export function legacy(): number {', '  return 42;', '}'];

function numbered(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `export const value${from + i} = ${from + i};`);
}

/** src/app.ts at the first commit: greet at L5-L8, legacy at L20-L22, 30 lines in all. */
export const APP_FIRST = [...numbered(1, 4), ...GREET, ...numbered(9, 19), ...LEGACY, ...numbered(23, 30)];
/** At the second: ten lines above greet (now L15-L18), legacy gone. */
export const APP_SECOND = [...Array.from({ length: 10 }, (_, i) => `// added above, line ${i + 1}`), ...numbered(1, 4), ...GREET, ...numbered(9, 19), ...numbered(23, 30)];
export const HELPER_FIRST = ['export function helper(): string {', "  return 'help';", '}', '', 'export const helperName = "helper";', ...numbered(40, 46)];
export const HELPER_SECOND = ['// renamed from old-name.ts', '', ...HELPER_FIRST];

export interface GitFixture {
  origin: string;
  /** The clone, at `second`. */
  demo: string;
  first: string;
  second: string;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Relay Test', '-c', 'user.email=test@relay.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

function write(root: string, file: string, lines: string[]): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), `${lines.join('\n')}\n`);
}

export function makeGitFixture(parent: string): GitFixture {
  const origin = path.join(parent, 'origin');
  mkdirSync(origin, { recursive: true });
  git(origin, 'init', '-q');
  write(origin, 'src/app.ts', APP_FIRST);
  write(origin, 'src/old-name.ts', HELPER_FIRST);
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'first');
  const first = git(origin, 'rev-parse', 'HEAD');
  write(origin, 'src/app.ts', APP_SECOND);
  git(origin, 'mv', 'src/old-name.ts', 'src/new-name.ts');
  write(origin, 'src/new-name.ts', HELPER_SECOND);
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'second: lines moved, legacy gone, a rename');
  const second = git(origin, 'rev-parse', 'HEAD');
  const demo = path.join(parent, 'demo');
  git(parent, 'clone', '-q', origin, demo);
  git(demo, 'remote', 'set-url', 'origin', REMOTE_URL);
  return { origin, demo, first, second };
}

/** `git diff` between two commits of `repo`, as a sender's Share Changes would send it. */
export function diffBetween(repo: string, from: string, to: string, ...paths: string[]): string {
  return `${git(repo, 'diff', from, to, '--', ...paths)}\n`;
}
