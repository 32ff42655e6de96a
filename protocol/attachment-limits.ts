/**
 * (new) The size limits of a say's attachments, checked on the raw frame so that a refusal says
 * TOO_LONG with the size and the limit (the schema alone would only say BAD_FRAME). It reads
 * lengths only: nothing of the untrusted input goes into the message but its index and field.
 */
import { utf8Length } from './attachments';
import { LIMITS } from './limits';

/** Why the `attachments` of this frame are too long, or undefined when their sizes are within the limits. */
export function attachmentsTooLong(frame: unknown): string | undefined {
  const list = (frame as { attachments?: unknown } | null)?.attachments;
  if (!Array.isArray(list)) return undefined;
  if (list.length > LIMITS.attachmentsMax) {
    return `a message carries at most ${LIMITS.attachmentsMax} attachments; this one has ${list.length}`;
  }
  for (const [index, item] of list.entries()) {
    const { kind, snippet, diff } = (item ?? {}) as { kind?: unknown; snippet?: unknown; diff?: unknown };
    if (kind === 'code' && typeof snippet === 'string' && snippet.length > LIMITS.snippetMaxLength) {
      return `attachments.${index}.snippet is ${snippet.length} characters; the limit is ${LIMITS.snippetMaxLength}`;
    }
    if (kind === 'diff' && typeof diff === 'string') {
      const bytes = utf8Length(diff);
      if (bytes > LIMITS.diffMaxBytes) {
        return `attachments.${index}.diff is ${bytes} bytes of UTF-8; the limit is ${LIMITS.diffMaxBytes} (${LIMITS.diffMaxBytes / 1024} KiB)`;
      }
    }
  }
  return undefined;
}
