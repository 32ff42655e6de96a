/**
 * Turning raw text into a validated frame, with the protocol's error code for each way it can
 * be wrong. The server uses parseClientFrame; clients use parseServerFrame.
 */
import type { z } from 'zod';
import { codePointLength, isValidName, LIMITS, type ErrorCode } from './limits';
import { clientFrame, serverFrame, type ClientFrame, type ServerFrame } from './schema';

export type ParseResult<T> =
  | { ok: true; frame: T }
  | { ok: false; code: ErrorCode; message: string; id?: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'frame is not valid JSON' };
  }
}

const CLIENT_TYPES: ReadonlySet<string> = new Set(clientFrame.options.map((option) => option.shape.type.value));

export function parseClientFrame(text: string): ParseResult<ClientFrame> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, code: 'BAD_FRAME', message: json.message };
  const value = json.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'BAD_FRAME', message: 'frame must be a JSON object' };
  }
  const type = (value as { type?: unknown }).type;
  const rawId = (value as { id?: unknown }).id;
  const id = type === 'say' && typeof rawId === 'string' ? rawId : undefined;
  if (typeof type !== 'string' || !CLIENT_TYPES.has(type)) {
    return { ok: false, code: 'BAD_FRAME', message: `unknown frame type ${JSON.stringify(type ?? null)}` };
  }
  const parsed = clientFrame.safeParse(value);
  if (!parsed.success) {
    return { ok: false, code: 'BAD_FRAME', message: describeIssues(parsed.error), ...(id ? { id } : {}) };
  }
  const frame = parsed.data;
  if (frame.type === 'hello' && !isValidName(frame.name)) {
    return {
      ok: false,
      code: 'BAD_NAME',
      message: `a name is 1 to ${LIMITS.nameMaxLength} ASCII letters, digits, "_", "-" and "."`,
    };
  }
  if (frame.type === 'say') {
    const length = codePointLength(frame.text);
    if (length > LIMITS.textMaxCodePoints) {
      return {
        ok: false,
        code: 'TOO_LONG',
        message: `text is ${length} characters; the limit is ${LIMITS.textMaxCodePoints}`,
        id: frame.id,
      };
    }
    if (frame.text.trim().length === 0) {
      return { ok: false, code: 'BAD_FRAME', message: 'text must not be empty or only white space', id: frame.id };
    }
  }
  return { ok: true, frame };
}

export function parseServerFrame(text: string): ParseResult<ServerFrame> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, code: 'BAD_FRAME', message: json.message };
  const parsed = serverFrame.safeParse(json.value);
  if (!parsed.success) return { ok: false, code: 'BAD_FRAME', message: describeIssues(parsed.error) };
  return { ok: true, frame: parsed.data };
}
