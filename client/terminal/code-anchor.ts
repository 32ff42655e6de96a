/**
 * `--code PATH:START[-END]`: a code anchor built from a file, the way the extension builds one
 * from a selection: the path from the repository's root (else from the current folder), the
 * lines as they are in the file now, its language, and where it is in git.
 */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { codeAttachment, type CodeAttachment } from '../../protocol';
import { gitPlaceOf } from './git-place';
import { languageIdOf } from './language-ids';
import { describeAttachmentIssues } from './attachment-issues';

export interface CodeSpec {
  file: string;
  startLine: number;
  endLine: number;
}

/** Lines as an editor counts them: a final line break ends the last line, it does not start one. */
function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Throws an Error saying what is wrong (no such file, lines past its end, a snippet too long). */
export async function buildCodeAnchor(spec: CodeSpec, cwd: string): Promise<CodeAttachment> {
  const what = `--code ${spec.file}:${spec.startLine}${spec.endLine !== spec.startLine ? `-${spec.endLine}` : ''}`;
  let file: string;
  let text: string;
  try {
    file = await realpath(path.resolve(cwd, spec.file));
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${what}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const lines = linesOf(text);
  if (spec.endLine > lines.length) {
    throw new Error(`${what}: the file has ${lines.length} ${lines.length === 1 ? 'line' : 'lines'}`);
  }
  const inGit = await gitPlaceOf(file);
  const root = inGit?.root ?? (await realpath(cwd));
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`${what}: the file is outside the current folder and in no git repository; run relay-chat from the folder it is in`);
  }
  const language = languageIdOf(file);
  const anchor: CodeAttachment = {
    kind: 'code',
    path: relative.split(path.sep).join('/'),
    folder: path.basename(root),
    range: { startLine: spec.startLine, endLine: spec.endLine },
    ...(language !== undefined ? { language } : {}),
    snippet: lines.slice(spec.startLine - 1, spec.endLine).join('\n'),
    ...(inGit?.git !== undefined ? { git: inGit.git } : {}),
  };
  const checked = codeAttachment.safeParse(anchor);
  if (!checked.success) throw new Error(`${what}: ${describeAttachmentIssues(checked.error)}`);
  return checked.data;
}
