import assert from 'node:assert/strict';
import {
  formatChannelEvent,
  formatChannelList,
  formatConnectionProblem,
  formatMembers,
  formatUnreadElsewhere,
  messageView,
  formatDelay,
  formatDeviceList,
  formatError,
  formatMessage,
  formatNameRefused,
  formatNotice,
  formatPresence,
  formatPreview,
  formatTime,
  formatUserList,
} from '../../../client/terminal/format';
import { sanitize } from '../../../client/untrusted-text';

// Local times, so the expectations hold in any time zone.
const NOW = new Date(2025, 10, 21, 15, 30).getTime();
const AT_12_03 = new Date(2025, 10, 21, 12, 3).getTime();
const plain = { color: false };

describe('client: terminal formatting', () => {
  it('shows the time as HH:MM today and with the date on other days', () => {
    assert.equal(formatTime(AT_12_03, NOW), '12:03');
    assert.equal(formatTime(new Date(2025, 10, 20, 9, 5).getTime(), NOW), '2025-11-20 09:05');
    assert.equal(formatTime(new Date(2024, 10, 21, 12, 3).getTime(), NOW), '2024-11-21 12:03');
  });

  it('formats group, private and own messages', () => {
    assert.equal(formatMessage({ from: 'alice', text: 'hi', ts: AT_12_03 }, 'bob', NOW, plain), '[12:03] alice: hi');
    assert.equal(formatMessage({ from: 'alice', to: 'Bob', text: 'hi', ts: AT_12_03 }, 'bob', NOW, plain), '[12:03] alice → you: hi');
    assert.equal(formatMessage({ from: 'BOB', to: 'alice', text: 'yo', ts: AT_12_03 }, 'bob', NOW, plain), '[12:03] you → alice: yo');
    assert.equal(formatMessage({ from: 'bob', text: 'all', ts: AT_12_03 }, 'bob', NOW, plain), '[12:03] you: all');
    assert.equal(formatMessage({ from: 'bob', to: 'bob', text: 'note', ts: AT_12_03 }, 'bob', NOW, plain), '[12:03] you → you: note');
  });

  it('indents the lines of a multi-line message under its first line', () => {
    const text = formatMessage({ from: 'al', text: 'one\ntwo\r\nthree', ts: AT_12_03 }, 'bob', NOW, plain);
    assert.equal(text, '[12:03] al: one\n            two\n            three');
  });

  it('strips control characters and direction overrides that could take over the terminal', () => {
    assert.equal(sanitize('a\x1b[2Jb\x07c\u202ed\x9be\tf\ng'), 'a\uFFFD[2Jb\uFFFDc\uFFFDd\uFFFDe\tf\ng');
    const shown = formatMessage({ from: 'ev\x1bil', text: '\x1b]0;owned\x07', ts: AT_12_03 }, 'bob', NOW, plain);
    assert.ok(!shown.includes('\x1b') && !shown.includes('\x07'), JSON.stringify(shown));
    // A name is one line: a new line in it must not fake a message of its own.
    const spoof = formatMessage({ from: 'mallory\n[12:04] admin', text: 'hi', ts: AT_12_03 }, 'bob', NOW, plain);
    assert.equal(spoof.split('\n').length, 1, spoof);
    assert.equal(formatPresence('a\nb', true, plain), '* a\uFFFDb joined');
    assert.equal(formatUserList(['a\x1b[31mb'], 'me'), '1 online: a\uFFFD[31mb');
    assert.equal(formatNotice('cannot connect (\x1b[2J)', plain), '* cannot connect (\uFFFD[2J)');
  });

  it('colours only when asked, and gives a name the same colour every time', () => {
    const colored = formatMessage({ from: 'alice', to: 'bob', text: 'hi', ts: AT_12_03 }, 'bob', NOW, { color: true });
    assert.match(colored, /\x1b\[/);
    assert.equal(colored.replace(/\x1b\[[0-9;]*m/g, ''), '[12:03] alice → you: hi');
    const again = formatMessage({ from: 'alice', to: 'bob', text: 'hi', ts: AT_12_03 }, 'bob', NOW, { color: true });
    assert.equal(again, colored);
    assert.doesNotMatch(formatNotice('x', plain) + formatError('y', plain) + formatPresence('z', true, plain), /\x1b/);
    assert.match(formatError('y', { color: true }), /^\x1b\[31m! y/);
  });

  it('formats joins, leaves, notices and errors', () => {
    assert.equal(formatPresence('bob', true, plain), '* bob joined');
    assert.equal(formatPresence('bob', false, plain), '* bob left');
    assert.equal(formatNotice('reconnected', plain), '* reconnected');
    assert.equal(formatError('not sent', plain), '! not sent');
  });

  it('lists who is online, sorted, marking self', () => {
    assert.equal(formatUserList(['carol', 'Alice', 'bob'], 'bob'), '3 online: Alice, bob (you), carol');
  });

  it('says retry delays in seconds', () => {
    assert.equal(formatDelay(2000), '2s');
    assert.equal(formatDelay(1499), '1s');
    assert.equal(formatDelay(480), '0.5s');
    assert.equal(formatDelay(20), '0.1s');
  });

  it('says what went wrong with the connection and when it tries again', () => {
    assert.equal(
      formatConnectionProblem('lost', 'ws://h:1', 'the server is shutting down', 2000),
      'connection lost (the server is shutting down); retrying in 2s',
    );
    assert.equal(formatConnectionProblem('still-offline', 'ws://h:1', 'ECONNREFUSED', 4000), 'still offline (ECONNREFUSED); retrying in 4s');
    assert.equal(formatConnectionProblem('cannot-connect', 'ws://h:1', 'ECONNREFUSED'), 'cannot connect to ws://h:1 (ECONNREFUSED)');
  });

  it('quotes a shortened single-line preview of a message', () => {
    assert.equal(formatPreview('hello\n  world'), '"hello world"');
    assert.equal(formatPreview('abcdefghij', 5), '"abcd…"');
    assert.equal(formatPreview('😀😀😀😀😀😀', 5), '"😀😀😀😀…"');
    assert.equal(formatPreview(`${' '.repeat(10)}${'x'.repeat(1_000_000)}`, 5), '"xxxx…"');
  });

  it('shows no more of a message than the protocol allows, whatever the server sent', () => {
    const shown = formatMessage({ from: 'al', text: 'y'.repeat(100_000), ts: AT_12_03 }, 'bob', NOW, plain);
    assert.equal(shown, `[12:03] al: ${'y'.repeat(3999)}…`);
  });

  it('gives every sign-in refusal its next step, and the wait for TOO_MANY_ATTEMPTS', () => {
    assert.equal(
      formatNameRefused('dave', 'AUTH_REQUIRED', 'sign in'),
      'the server refused the name "dave" (AUTH_REQUIRED): this name needs a sign-in: run relay-chat login, or pass the password with --password-stdin (sign in)',
    );
    assert.match(formatNameRefused('dave', 'TOO_MANY_ATTEMPTS', 'wait', 241_500), /try again in 242 s \(wait\)$/);
    assert.match(formatNameRefused('dave', 'BAD_PASSWORD', 'no'), /8 to 1024 characters/);
    assert.match(formatNameRefused('dave', 'INVITE_INVALID', 'no'), /ask for a new one/);
    assert.match(formatNameRefused('dave', 'AUTH_FAILED', 'no'), /relay-chat login \(or --password-stdin\)/);
    assert.match(formatNameRefused('dave', 'ACCOUNT_DISABLED', 'off'), /\(ACCOUNT_DISABLED\): this account is disabled: ask an admin of the server to enable it \(off\)$/);
    assert.equal(formatNameRefused('dave', 'NAME_TAKEN', 'taken'), 'the server refused the name "dave" (NAME_TAKEN): taken');
  });

  it('lists devices oldest first with their times, this one marked, labels made harmless', () => {
    const yesterday = AT_12_03 - 24 * 60 * 60 * 1000;
    const devices = [
      { id: 3, label: 'laptop', createdAt: yesterday, lastSeenAt: AT_12_03, current: false },
      { id: 7, label: 'evil\x1b[2J"box', createdAt: AT_12_03, lastSeenAt: AT_12_03, current: true },
    ];
    const day = formatTime(yesterday, NOW);
    assert.equal(
      formatDeviceList('dana', devices, NOW),
      ['2 devices signed in as dana:', `  3  "laptop": last seen 12:03, signed in ${day}`, '  7  "evil\uFFFD[2J\\"box": last seen 12:03, signed in 12:03 (this device)'].join('\n'),
    );
    assert.match(day, /^\d{4}-\d\d-\d\d 12:03$/);
    assert.equal(formatDeviceList('dana', devices.slice(0, 1), NOW).split('\n')[0], '1 device signed in as dana:');
  });

  it('shows each message\'s channel, #general for a v1 server\'s group message, and marks mentions of the reader', () => {
    const at = { ts: AT_12_03 };
    assert.equal(formatMessage(messageView({ from: 'alice', channel: 'build', text: 'green', ...at }, 'bob'), 'bob', NOW, plain), '[12:03] #build alice: green');
    assert.equal(formatMessage(messageView({ from: 'alice', text: 'hi', ...at }, 'bob'), 'bob', NOW, plain), '[12:03] #general alice: hi');
    assert.equal(formatMessage(messageView({ from: 'alice', to: 'bob', text: 'psst', ...at }, 'bob'), 'bob', NOW, plain), '[12:03] alice → you: psst');
    const mention = messageView({ from: 'alice', channel: 'ops', text: '@Bob look\nhere', mentions: ['bob'], ...at }, 'BOB');
    assert.equal(formatMessage(mention, 'bob', NOW, plain), `[12:03] ! #ops alice: @Bob look\n${' '.repeat('[12:03] ! #ops alice: '.length)}here`);
    for (const everyone of ['@here', '@channel']) {
      assert.equal(messageView({ from: 'alice', channel: 'ops', text: 'all', mentions: [everyone], ...at }, 'bob').mentioned, true);
    }
    assert.equal(messageView({ from: 'alice', channel: 'ops', text: '@carol', mentions: ['carol'], ...at }, 'bob').mentioned, false);
    const styled = formatMessage(mention, 'bob', NOW, { color: true });
    assert.match(styled, /\x1b\[1;7m!\x1b\[0m/, 'the marker stands out');
    assert.match(styled, /\x1b\[1m@Bob look\x1b\[0m/, 'the text is bold');
    assert.equal(sanitize(formatMessage({ from: 'a', channel: 'x\x1b[2Jy', text: 't', ts: AT_12_03 }, 'b', NOW, plain)), '[12:03] #x\uFFFD[2Jy a: t');
  });

  it('lists channels with members, joined and unread, and unread conversations elsewhere', () => {
    const channel = (name: string, joined: boolean, topic = '', isPrivate = false) => ({ name, topic, private: isPrivate, members: name === 'ops' ? 1 : 3, joined });
    const list = formatChannelList([channel('general', true), channel('ops', true, 'pager', true), channel('random', false, 'cats\x1b[2J')], (name) =>
      name === 'ops' ? { unread: 2, mentions: 1 } : { unread: 0, mentions: 0 },
    );
    assert.equal(
      list,
      [
        '3 channels (* joined; /join #channel to join one):',
        '  * #general (3 members, joined)',
        '  * #ops (1 member, private, joined, 2 unread, 1 mention): pager',
        '    #random (3 members, not joined): cats\uFFFD[2J',
      ].join('\n'),
    );
    assert.equal(
      formatUnreadElsewhere([
        { conversation: { kind: 'channel', channel: 'ops' }, unread: 2, mentions: 2 },
        { conversation: { kind: 'direct', with: 'bob' }, unread: 1, mentions: 0 },
        { conversation: { kind: 'channel', channel: 'quiet' }, unread: 0, mentions: 0 },
      ]),
      'unread elsewhere: #ops 2 unread, 2 mentions; @bob 1 unread',
    );
    assert.equal(formatUnreadElsewhere([]), undefined);
    assert.equal(formatMembers('ops', ['bob', 'Alice'], 'bob'), '#ops: 2 members: Alice, bob (you)');
  });

  it('says what a channel event means from the reader\'s side', () => {
    const info = { name: 'ops', topic: 'pager', private: true, members: 2 };
    assert.equal(formatChannelEvent({ type: 'channel', event: 'created', channel: info, name: 'bob', by: 'bob' }, 'bob'), 'you created #ops (private)');
    assert.equal(formatChannelEvent({ type: 'channel', event: 'joined', channel: info, name: 'carol', by: 'bob' }, 'carol'), 'bob added you to #ops');
    assert.equal(formatChannelEvent({ type: 'channel', event: 'joined', channel: info, name: 'carol', by: 'carol' }, 'bob'), 'carol joined #ops');
    assert.equal(formatChannelEvent({ type: 'channel', event: 'left', channel: info, name: 'carol', by: 'carol' }, 'bob'), 'carol left #ops');
    assert.equal(formatChannelEvent({ type: 'channel', event: 'topic', channel: info, by: 'bob' }, 'carol'), 'bob set the topic of #ops: pager');
    assert.equal(formatChannelEvent({ type: 'channel', event: 'renamed', channel: info, previous: 'oncall', by: 'bob' }, 'carol'), 'bob renamed #oncall to #ops');
    assert.equal(formatChannelEvent({ type: 'channel', event: 'archived', channel: info, by: 'bob' }, 'carol'), 'bob archived #ops: it is read-only now');
  });
});
