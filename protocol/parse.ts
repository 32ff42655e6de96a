/**
 * Turning raw text into a validated frame, with the protocol's error code for each way it can
 * be wrong. The server uses parseClientFrame; clients use parseServerFrame.
 *
 * The input is untrusted: no error message here serialises it or recurses into it. What an
 * error says about the input is bounded (see `quote`), so a 64 KiB frame of nested arrays
 * costs one JSON.parse and a short message.
 */
import type { z } from 'zod';
import { attachmentsTooLong } from './attachment-limits';
import { codePointLength, hasVisibleText, isValidName, LIMITS, type ErrorCode } from './limits';
import { clientFrame, messageId, requestRef, serverFrame, type ClientFrame, type ServerFrame } from './schema';

/** What a reply names of the request it answers: the say's `id`, the request's `ref`. */
export interface ReplyTags {
  id?: string;
  ref?: string;
}

export type ParseResult<T> =
  | { ok: true; frame: T }
  | ({ ok: false; code: ErrorCode; message: string } & ReplyTags);

/** How much of an untrusted string an error message may show. */
const QUOTE_MAX_CHARS = 40;
const ISSUES_SHOWN = 3;

/** A bounded, JSON-quoted excerpt of an untrusted string, safe to put into any message. */
export function quote(text: string, maxChars = QUOTE_MAX_CHARS): string {
  // Lone surrogates become U+FFFD: the message itself must be well-formed to go on the wire.
  const excerpt = [...text.slice(0, maxChars * 2)].slice(0, maxChars).join('').replace(/[\uD800-\uDFFF]/gu, '\uFFFD');
  return JSON.stringify(excerpt) + (excerpt.length < text.length ? '…' : '');
}

function describePath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => (typeof segment === 'string' ? quoteKey(segment) : String(segment))).join('.');
}

function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(key) ? key : quote(key, 16);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, ISSUES_SHOWN)
    .map((issue) => (issue.path.length ? `${describePath(issue.path)}: ${issue.message}` : issue.message))
    .join('; ');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'frame is not valid JSON' };
  }
}

/** What kind of JSON value something is, for an error message that must not show the value. */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const CLIENT_TYPES: readonly string[] = clientFrame.options.map((option) => option.shape.type.value);
const CLIENT_TYPE_SET: ReadonlySet<string> = new Set(CLIENT_TYPES);

function describeBadType(type: unknown): string {
  const expected = `expected one of ${CLIENT_TYPES.join(', ')}`;
  if (type === undefined) return `frame has no "type"; ${expected}`;
  if (typeof type !== 'string') return `frame "type" must be a string, got ${jsonKind(type)}; ${expected}`;
  return `unknown frame type ${quote(type)}; ${expected}`;
}

/**
 * The tags an error about this (possibly invalid) frame may carry: a say's `id` and any `ref`,
 * each only when it is itself valid, so a 60 KB "id" is never sent back.
 */
export function replyTagsOf(value: unknown): ReplyTags {
  if (typeof value !== 'object' || value === null) return {};
  const { type, id, ref } = value as { type?: unknown; id?: unknown; ref?: unknown };
  return {
    ...(type === 'say' && messageId.safeParse(id).success ? { id: id as string } : {}),
    ...(requestRef.safeParse(ref).success ? { ref: ref as string } : {}),
  };
}

/** Reads just enough of a frame to find the tags an error about it should carry. */
export function replyTagsOfText(text: string): ReplyTags {
  const json = parseJson(text);
  return json.ok ? replyTagsOf(json.value) : {};
}

/** The tags of a valid frame, for its replies. */
export function replyTagsOfFrame(frame: ClientFrame): ReplyTags {
  return { ...(frame.type === 'say' ? { id: frame.id } : {}), ...(frame.ref !== undefined ? { ref: frame.ref } : {}) };
}

/** The `ref` alone, for a reply frame that is not an error. */
export function refOf(frame: ClientFrame): { ref?: string } {
  return frame.ref !== undefined ? { ref: frame.ref } : {};
}

const NAME_RULE = `a name is 1 to ${LIMITS.nameMaxLength} ASCII letters, digits, "_", "-" and "."`;

/** A user named in `to` or `with`: checked by the same rule as a hello's name before anyone folds it. */
function badRecipient(name: string | undefined): string | undefined {
  if (name === undefined || isValidName(name)) return undefined;
  return `no user can be named ${quote(name)}: ${NAME_RULE}`;
}

function checkMeaning(frame: ClientFrame): ParseResult<ClientFrame> {
  const tags = replyTagsOfFrame(frame);
  switch (frame.type) {
    case 'hello':
      if (!isValidName(frame.name)) return { ok: false, code: 'BAD_NAME', message: NAME_RULE, ...tags };
      break;
    case 'say': {
      const recipient = badRecipient(frame.to);
      if (recipient) return { ok: false, code: 'UNKNOWN_USER', message: recipient, ...tags };
      const length = codePointLength(frame.text);
      if (length > LIMITS.textMaxCodePoints) {
        return {
          ok: false,
          code: 'TOO_LONG',
          message: `text is ${length} characters; the limit is ${LIMITS.textMaxCodePoints}`,
          ...tags,
        };
      }
      if (!hasVisibleText(frame.text)) {
        return {
          ok: false,
          code: 'BAD_FRAME',
          message: 'text must not be empty or only white space, control or invisible characters',
          ...tags,
        };
      }
      break;
    }
    case 'history':
    case 'typing':
    case 'disable':
    case 'enable': {
      const other = badRecipient(frame.type === 'history' ? frame.with : frame.type === 'typing' ? frame.to : frame.name);
      if (other) return { ok: false, code: 'UNKNOWN_USER', message: other, ...tags };
      break;
    }
  }
  return { ok: true, frame };
}

export function parseClientFrame(text: string): ParseResult<ClientFrame> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, code: 'BAD_FRAME', message: json.message };
  const value = json.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'BAD_FRAME', message: `frame must be a JSON object, got ${jsonKind(value)}` };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !CLIENT_TYPE_SET.has(type)) {
    return { ok: false, code: 'BAD_FRAME', message: describeBadType(type), ...replyTagsOf(value) };
  }
  const parsed = clientFrame.safeParse(value);
  if (!parsed.success) {
    // An attachment over a size limit is TOO_LONG, as a text over its limit is, not just malformed.
    const tooLong = type === 'say' ? attachmentsTooLong(value) : undefined;
    if (tooLong) return { ok: false, code: 'TOO_LONG', message: tooLong, ...replyTagsOf(value) };
    return { ok: false, code: 'BAD_FRAME', message: describeIssues(parsed.error), ...replyTagsOf(value) };
  }
  return checkMeaning(parsed.data);
}

export function parseServerFrame(text: string): ParseResult<ServerFrame> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, code: 'BAD_FRAME', message: json.message };
  const parsed = serverFrame.safeParse(json.value);
  if (!parsed.success) return { ok: false, code: 'BAD_FRAME', message: describeIssues(parsed.error) };
  return { ok: true, frame: parsed.data };
}
