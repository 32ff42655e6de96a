/**
 * What Chat: Share Changes… was invoked on, from what VS Code hands the command: the palette
 * nothing; the editor title and context menus the file's URI; the SCM view a resource (a changed
 * file, with `resourceUri`), a resource group (`id` 'index' for the staged changes, else a kind
 * of working-tree change, and its `resourceStates`) or the repository's source control
 * (`rootUri`). No `vscode` here: the shapes are checked structurally.
 */

export interface UriLike {
  readonly scheme: string;
  readonly path: string;
  readonly fsPath: string;
}

export type ChangesScope = 'working' | 'staged';

export type ChangesTarget =
  /** From the palette: ask which repository and which changes. */
  | { kind: 'ask' }
  /** A repository (by a file or its root in it, when known) and, from a resource group, which changes. */
  | { kind: 'repository'; in?: UriLike; scope?: ChangesScope }
  | { kind: 'file'; file: UriLike };

function isUri(value: unknown): value is UriLike {
  if (typeof value !== 'object' || value === null) return false;
  const { scheme, path, fsPath } = value as Partial<Record<keyof UriLike, unknown>>;
  return typeof scheme === 'string' && typeof path === 'string' && typeof fsPath === 'string';
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The git extension's resource group ids: 'index' is the staged changes; 'workingTree', 'untracked' and 'merge' are not staged. */
function groupScope(id: string): ChangesScope {
  return id === 'index' ? 'staged' : 'working';
}

export function changesTarget(arg: unknown): ChangesTarget {
  if (isUri(arg)) return { kind: 'file', file: arg };
  const resource = field(arg, 'resourceUri');
  if (isUri(resource)) return { kind: 'file', file: resource };
  const id = field(arg, 'id');
  const states = field(arg, 'resourceStates');
  if (typeof id === 'string' && Array.isArray(states)) {
    const first = field(states[0], 'resourceUri');
    return { kind: 'repository', scope: groupScope(id), ...(isUri(first) ? { in: first } : {}) };
  }
  const root = field(arg, 'rootUri');
  if (isUri(root)) return { kind: 'repository', in: root };
  return { kind: 'ask' };
}
