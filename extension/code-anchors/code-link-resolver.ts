/**
 * Which code links in messages open here (client/code-refs/links.ts finds them in the text): a
 * file that exists under a workspace folder (relative to a folder's root, absolute inside one,
 * or a bare relative path found by a bounded search), or a commit that exists in a workspace
 * repository. Resolving touches the file system and git, so it runs in the background, one
 * message at a time, with a bound on links per message; results are cached (bounded) and the
 * panel is told to draw again when a message's links are known.
 */
import * as vscode from 'vscode';
import { findCodeLinks, type CodeLink } from '../../client/code-refs/links';
import { gitApi, type GitRepository } from '../git/git-extension';
import type { MessageEntry, TimelineEntry } from '../webview-protocol';
import { fileExists } from './workspace-match';

/** Links looked at per message; the rest of a long stack trace stays text. */
export const MAX_LINKS_PER_MESSAGE = 12;
const MAX_CACHED = 2000;
/** A bare relative path is searched for in the workspace at most this long. */
const FIND_FILES_MS = 2000;
const GLOB_SPECIALS = /[*?[\]{}!]/;

export type ResolvedLink =
  | { kind: 'file'; uri: vscode.Uri; line?: number; column?: number }
  | { kind: 'commit'; repository: GitRepository; hash: string };

/** A Map that forgets its oldest entries past `max`. */
function remember<K, V, W extends V>(map: Map<K, V>, key: K, value: W, max: number): W {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
  return value;
}

/** The links of `text` looked at: the first MAX_LINKS_PER_MESSAGE. */
export function candidateLinks(text: string): CodeLink[] {
  return findCodeLinks(text).slice(0, MAX_LINKS_PER_MESSAGE);
}

function insideWorkspace(uri: vscode.Uri): boolean {
  return vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

async function findFile(path: string): Promise<vscode.Uri | undefined> {
  const relative = path.replace(/^(\.\/)+/, '');
  if (/^([A-Za-z]:)?[\\/]/.test(relative)) {
    const uri = vscode.Uri.file(relative);
    return insideWorkspace(uri) && (await fileExists(uri)) ? uri : undefined;
  }
  const segments = relative.split(/[\\/]/);
  if (segments.some((segment) => segment === '..' || segment === '')) return undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = vscode.Uri.joinPath(folder.uri, ...segments);
    if (await fileExists(uri)) return uri;
  }
  if (GLOB_SPECIALS.test(relative)) return undefined;
  const cancel = new vscode.CancellationTokenSource();
  const timer = setTimeout(() => cancel.cancel(), FIND_FILES_MS);
  try {
    const [found] = await vscode.workspace.findFiles(`**/${segments.join('/')}`, '**/node_modules/**', 1, cancel.token);
    return found;
  } finally {
    clearTimeout(timer);
    cancel.dispose();
  }
}

async function findCommit(sha: string): Promise<{ repository: GitRepository; hash: string } | undefined> {
  for (const repository of (await gitApi())?.repositories ?? []) {
    try {
      const commit = await repository.getCommit(sha);
      return { repository, hash: commit.hash };
    } catch {
      // Not in this repository.
    }
  }
  return undefined;
}

export class CodeLinkResolver implements vscode.Disposable {
  /** By target (a path, a commit): where it is here, or null when it does not open. */
  private readonly targets = new Map<string, Promise<unknown>>();
  /** By entry key and text: the texts of its links that open. */
  private readonly entries = new Map<string, string[]>();
  private readonly waiting = new Map<string, string>();
  private working = false;
  private readonly resolved = new vscode.EventEmitter<void>();
  /** Some message's links became known: panels draw again. */
  readonly onDidResolve = this.resolved.event;

  /** `entries` with each message's `codeLinks` as far as known; unknown ones are resolved in the background. */
  withCodeLinks(entries: TimelineEntry[]): TimelineEntry[] {
    return entries.map((entry) => (entry.kind === 'message' ? this.withLinks(entry) : entry));
  }

  async resolve(link: CodeLink): Promise<ResolvedLink | undefined> {
    const target = link.target;
    if (target.kind === 'commit') {
      const commit = await this.lookUp(`commit:${target.sha}`, () => findCommit(target.sha));
      return commit ? { kind: 'commit', ...commit } : undefined;
    }
    const file = await this.lookUp(`file:${target.path}`, () => findFile(target.path));
    if (!file) return undefined;
    return { kind: 'file', uri: file, ...(target.line !== undefined ? { line: target.line } : {}), ...(target.column !== undefined ? { column: target.column } : {}) };
  }

  private lookUp<T>(key: string, find: () => Promise<T | undefined>): Promise<T | null> {
    const cached = this.targets.get(key) as Promise<T | null> | undefined;
    return cached ?? remember(this.targets, key, find().then((found): T | null => found ?? null), MAX_CACHED);
  }

  dispose(): void {
    this.resolved.dispose();
    this.targets.clear();
    this.entries.clear();
    this.waiting.clear();
  }

  private withLinks(entry: MessageEntry): MessageEntry {
    const id = `${entry.key}\n${entry.text}`;
    const known = this.entries.get(id);
    if (known) return known.length > 0 ? { ...entry, codeLinks: known } : entry;
    if (candidateLinks(entry.text).length === 0) {
      remember(this.entries, id, [], MAX_CACHED);
      return entry;
    }
    this.waiting.set(id, entry.text);
    void this.work();
    return entry;
  }

  /** One message at a time, so a page of history full of stack traces does not flood the file system. */
  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (let next = this.waiting.entries().next(); !next.done; next = this.waiting.entries().next()) {
        const [id, text] = next.value;
        this.waiting.delete(id);
        const open: string[] = [];
        for (const link of candidateLinks(text)) {
          if (!open.includes(link.text) && (await this.resolve(link).catch(() => undefined))) open.push(link.text);
        }
        remember(this.entries, id, open, MAX_CACHED);
        if (open.length > 0) this.resolved.fire();
      }
    } finally {
      this.working = false;
    }
  }
}
