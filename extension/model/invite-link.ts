/**
 * The invite link an admin hands out:
 * `vscode://relay-chat.relay-chat/invite?server=<encodeURIComponent(ws(s) URL)>&code=<invite code>`.
 * Pure: it reads the path and query VS Code gives the URI handler and says what is wrong with a
 * link that is not one, without repeating any of it (a link comes from anywhere).
 */
import { LIMITS } from '../../protocol/limits';

export interface InviteLink {
  serverUrl: string;
  code: string;
}

export type InviteLinkAnswer = InviteLink | { problem: string };

export const INVITE_PATH = '/invite';
/** Far more than a server URL and a code need; a longer query is not read at all. */
const QUERY_MAX_LENGTH = 2048;
const SERVER_URL_MAX_LENGTH = 1024;
/** What invite codes are made of: printable ASCII, no spaces. */
const CODE = /^[\x21-\x7e]+$/;

const ASK = 'Ask whoever sent it for a new invite link.';

export function parseInviteLink(path: string, query: string): InviteLinkAnswer {
  if (path !== INVITE_PATH) return { problem: `This is not a Relay Chat invite link (it should open ${INVITE_PATH}?server=…&code=…).` };
  if (query.length > QUERY_MAX_LENGTH) return { problem: `This invite link is too long to be one. ${ASK}` };
  const params = new URLSearchParams(query);
  const servers = params.getAll('server');
  const codes = params.getAll('code');
  if (servers.length !== 1 || codes.length !== 1) {
    return { problem: `This invite link needs exactly one server and one code. ${ASK}` };
  }
  const serverUrl = servers[0]!.trim();
  const code = codes[0]!.trim();
  const urlProblem = serverUrlProblem(serverUrl);
  if (urlProblem) return { problem: `The server in this invite link ${urlProblem}. ${ASK}` };
  if (code.length === 0 || code.length > LIMITS.inviteMaxLength || !CODE.test(code)) {
    return { problem: `The code in this invite link is not an invite code (1 to ${LIMITS.inviteMaxLength} letters, digits and signs). ${ASK}` };
  }
  return { serverUrl, code };
}

function serverUrlProblem(text: string): string | undefined {
  if (text.length === 0) return 'is missing';
  if (text.length > SERVER_URL_MAX_LENGTH) return 'is too long to be a URL';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return 'must start with ws:// or wss://';
  if (!url.hostname) return 'has no host name';
  // A URL can carry a user name and password; an invite must not hand either out.
  if (url.username || url.password) return 'must not hold a user name or password';
  return undefined;
}
