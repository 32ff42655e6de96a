import assert from 'node:assert/strict';
import { parseInviteLink } from '../../../extension/model/invite-link';

/** The query as VS Code's Uri gives it to the handler: percent-decoded. */
function query(server: string, code: string): string {
  return `server=${encodeURIComponent(server)}&code=${encodeURIComponent(code)}`;
}

describe('extension: invite link parsing', () => {
  it('reads the server and the code of a link made the agreed way', () => {
    assert.deepEqual(parseInviteLink('/invite', query('wss://chat.example.com:4446', 'Ab3-x_9')), {
      serverUrl: 'wss://chat.example.com:4446',
      code: 'Ab3-x_9',
    });
    // VS Code hands the handler the query already decoded.
    assert.deepEqual(parseInviteLink('/invite', 'server=ws://127.0.0.1:4446&code=k3y'), { serverUrl: 'ws://127.0.0.1:4446', code: 'k3y' });
  });

  const problems: Array<[string, string, string, RegExp]> = [
    ['another path', '/join', query('ws://h:1', 'c'), /not a Relay Chat invite link/],
    ['no code', '/invite', 'server=ws://h:1', /exactly one server and one code/],
    ['two servers', '/invite', `${query('ws://a:1', 'c')}&server=ws://b:1`, /exactly one server/],
    ['an http URL', '/invite', query('https://h:1', 'c'), /must start with ws:\/\/ or wss:\/\//],
    ['no URL at all', '/invite', query('not a url', 'c'), /is not a URL/],
    ['credentials in the URL', '/invite', query('ws://me:secret@h:1', 'c'), /must not hold a user name or password/],
    ['a code with a space', '/invite', query('ws://h:1', 'a b'), /not an invite code/],
    ['a code over the limit', '/invite', query('ws://h:1', 'x'.repeat(65)), /not an invite code \(1 to 64/],
    ['a huge query', '/invite', query('ws://h:1', 'c') + '&x='.padEnd(5000, 'y'), /too long/],
  ];
  for (const [what, path, q, expected] of problems) {
    it(`refuses ${what}, saying what to do`, () => {
      const answer = parseInviteLink(path, q);
      assert.ok('problem' in answer, JSON.stringify(answer));
      assert.match(answer.problem, expected);
      assert.ok(answer.problem.length < 200);
    });
  }

  it('never repeats what the link holds in its message', () => {
    const answer = parseInviteLink('/invite', query('ws://h:1', 'evil code <script>'));
    assert.ok('problem' in answer);
    assert.doesNotMatch(answer.problem, /evil|script/);
  });
});
