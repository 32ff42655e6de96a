/** What the protocol's schema found wrong in an attachment a bot gave, in one bounded line. */
import type { z } from 'zod';
import { untrustedLine } from '../untrusted-text';

const ISSUES_SHOWN = 3;

export function describeAttachmentIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, ISSUES_SHOWN).map((issue) => {
    const at = issue.path.map(String).join('.');
    return at === '' ? issue.message : `${at}: ${issue.message}`;
  });
  return untrustedLine(issues.join('; '), 400);
}
