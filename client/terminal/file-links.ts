/**
 * Which code links in messages the terminal can make clickable: those naming a file that exists
 * under the working directory or the root of the git repository it is in. They become OSC 8
 * hyperlinks to the file's `file://` URL (terminals that do not know OSC 8 show the text).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLinkTarget } from '../code-refs/links';

/** A `file://` URL for a link's file, or undefined when it is not a file here. */
export type FileLinker = (target: Extract<CodeLinkTarget, { kind: 'file' }>) => string | undefined;

/** Answers kept per path, so a busy channel does not stat the same file over and over; bounded. */
const CACHE_MAX = 500;

/** The working directory, and the repository root above it (found by its `.git`, no git run) when there is one. */
export function linkRoots(cwd: string): string[] {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir === path.resolve(cwd) ? [dir] : [path.resolve(cwd), dir];
    if (path.dirname(dir) === dir) return [path.resolve(cwd)];
  }
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Links to files under `roots` (a relative path is tried against each in turn), never outside them. */
export function fileLinker(roots: readonly string[], exists: (file: string) => boolean = isFile): FileLinker {
  const cache = new Map<string, string | undefined>();
  const resolve = (name: string): string | undefined => {
    for (const root of roots) {
      const file = path.resolve(root, name);
      if (isInside(root, file) && exists(file)) return pathToFileURL(file).href;
    }
    return undefined;
  };
  return (target) => {
    if (!cache.has(target.path)) {
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(target.path, resolve(target.path));
    }
    return cache.get(target.path);
  };
}
