/** The one-line label of a code anchor, the same in the panel, the terminal and the text fallback. */
import type { CodeAttachment } from '../../protocol/attachments';

/** How much of a commit id a header shows, as `git log --oneline` does. */
export const SHORT_COMMIT_LENGTH = 7;

/** `path:L10-L24 @ abc1234`; `path:L10` for one line; no ` @ …` outside git. */
export function anchorHeader(code: Pick<CodeAttachment, 'path' | 'range' | 'git'>): string {
  const { startLine, endLine } = code.range;
  const lines = startLine === endLine ? `L${startLine}` : `L${startLine}-L${endLine}`;
  const commit = code.git ? ` @ ${code.git.commit.slice(0, SHORT_COMMIT_LENGTH)}` : '';
  return `${code.path}:${lines}${commit}`;
}
