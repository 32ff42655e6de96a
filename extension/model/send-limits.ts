/**
 * What cannot be sent, said before anything is sent: a diff over its limit, or a message whose
 * text (with the fallback) or `say` frame would be over its limit (the server would refuse the
 * one and close the connection on the other).
 * Nothing is ever cut to fit. Sizes are said in KiB, rounded up, so an oversize one never reads
 * as the limit itself.
 */
import { LIMITS, sayFields, utf8Length, type Attachment, type Conversation } from '../../protocol';
import { composeText } from '../../client/code-refs/fallback';

function kib(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

export function diffSizeProblem(diff: string): string | undefined {
  const bytes = utf8Length(diff);
  if (bytes <= LIMITS.diffMaxBytes) return undefined;
  return `This diff is ${kib(bytes)} KiB; Relay Chat can send up to ${kib(LIMITS.diffMaxBytes)} KiB.`;
}

/** A message id as RelayClient makes them (a UUID): the frame measured is the one that would be sent. */
const ID_LENGTH_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

/** What is wrong with sending `note` with `attachments` there, if anything: the length of its text, the size of its `say`. */
export function messageProblem(conversation: Conversation, note: string, attachments: readonly Attachment[]): string | undefined {
  const text = composeText(note, attachments);
  // A long note leaves the fallback no room, and the text is then over its limit.
  const characters = [...text].length;
  if (characters > LIMITS.textMaxCodePoints) {
    return `With its attachments' readable summary this message has ${characters} characters; a message can have up to ${LIMITS.textMaxCodePoints}. Shorten the note.`;
  }
  const frame = { type: 'say', id: ID_LENGTH_PLACEHOLDER, text, ...sayFields(conversation), attachments };
  const bytes = utf8Length(JSON.stringify(frame));
  if (bytes <= LIMITS.maxFrameBytes) return undefined;
  return `This message is ${kib(bytes)} KiB with its attachments; Relay Chat can send up to ${kib(LIMITS.maxFrameBytes)} KiB at once.`;
}
