/** `--attach FILE`: attachments a bot wrote as JSON, one or a list, checked against the protocol's schema. */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { attachment, type Attachment } from '../../protocol';
import { describeAttachmentIssues } from './attachment-issues';

/** Throws an Error saying what is wrong with the file (unreadable, not JSON, not attachments). */
export async function readAttachmentFile(file: string): Promise<Attachment[]> {
  const what = `--attach ${file}`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${what}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${what}: the file is not valid JSON`);
  }
  const parsed = (Array.isArray(value) ? z.array(attachment).min(1) : attachment).safeParse(value);
  if (!parsed.success) {
    const shape = Array.isArray(value) ? 'a list of attachments' : 'an attachment';
    throw new Error(`${what}: not ${shape}: ${describeAttachmentIssues(parsed.error)}`);
  }
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}
