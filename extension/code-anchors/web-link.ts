/** "Open on the web": an attachment's permalink at its commit on a known host (GitHub, GitLab, Bitbucket, Gitea). */
import * as vscode from 'vscode';
import { webCommitLink, webPermalink } from '../../client/code-refs/remote-url';
import type { Attachment } from '../../protocol/attachments';

/** The page's address, or why there is none. */
export function webAddress(attachment: Attachment): { url: string } | { problem: string } {
  const remote = attachment.kind === 'code' ? attachment.git?.remote : attachment.remote;
  const commit = attachment.kind === 'code' ? attachment.git?.commit : attachment.base;
  if (remote === undefined || commit === undefined) return { problem: 'This was shared from a repository without a remote: there is no web page for it.' };
  const link = attachment.kind === 'code' ? webPermalink(remote, commit, attachment.path, attachment.range) : webCommitLink(remote, commit);
  // The remote is the sender's: bounded by the schema, and shown only as far as its first 100 characters.
  if (!link) return { problem: `No web page is known for ${remote.slice(0, 100)}: only GitHub, GitLab, Bitbucket and Gitea are.` };
  return { url: link.url };
}

export async function openOnWeb(attachment: Attachment): Promise<{ url?: string; note?: string }> {
  const address = webAddress(attachment);
  if ('problem' in address) {
    void vscode.window.showInformationMessage(address.problem);
    return { note: address.problem };
  }
  await vscode.env.openExternal(vscode.Uri.parse(address.url, true));
  return { url: address.url };
}
