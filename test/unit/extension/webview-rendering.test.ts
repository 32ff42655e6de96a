import assert from 'node:assert/strict';
import { fromWebview, isOpenableLink, type MessageEntry, type TimelineEntry } from '../../../extension/webview-protocol';
import { renderMarkdown } from '../../../webview/markdown';
import { mentionTokens, splitMentions } from '../../../webview/mentions';
import { buildRows, countNewSince, GROUP_GAP_MS, newestStoredKey } from '../../../webview/rows';
import { typingText } from '../../../webview/indicators';
import { msUntilTomorrow, timeLabels } from '../../../webview/time-labels';

const T0 = Date.UTC(2025, 0, 6, 9, 0);

function entry(seq: number, from: string, ts: number, extra: Partial<MessageEntry> = {}): MessageEntry {
  return {
    kind: 'message',
    key: `${from}/${seq}`,
    seq,
    id: String(seq),
    from,
    text: `message ${seq}`,
    ts,
    mine: false,
    status: 'received',
    ...extra,
  };
}

const ONLINE = { state: 'online', reached: true } as const;

function rowsOf(entries: TimelineEntry[], unreadFromKey?: string): string[] {
  const labels = { day: (ts: number): string => new Date(ts).toISOString().slice(0, 10), time: (): string => '' };
  return buildRows({ connection: ONLINE, entries, hasMore: true, loadingOlder: false, ...(unreadFromKey ? { unreadFromKey } : {}) }, labels).map(
    (row) => {
      switch (row.kind) {
        case 'message':
          return `${row.showHeader ? 'header ' : ''}${row.entry.from}#${row.entry.seq}`;
        case 'day':
          return `day ${row.label}`;
        case 'presence':
          return row.text;
        case 'history':
          return `history ${row.state}`;
        case 'unread':
          return 'unread';
      }
    },
  );
}

describe('webview rows', () => {
  it('groups consecutive messages from the same sender under one header', () => {
    const rows = rowsOf([
      entry(1, 'bob', T0),
      entry(2, 'Bob', T0 + 1000),
      entry(3, 'alice', T0 + 2000),
      entry(4, 'alice', T0 + 2000 + GROUP_GAP_MS),
    ]);
    assert.deepEqual(rows, ['history more', 'day 2025-01-06', 'header bob#1', 'Bob#2', 'header alice#3', 'header alice#4']);
  });

  it('breaks groups at join/leave lines, day changes and the unread divider', () => {
    const rows = rowsOf(
      [
        entry(1, 'bob', T0),
        { kind: 'presence', key: 'presence:1', joined: ['carol'], left: [], ts: T0 + 10 },
        entry(2, 'bob', T0 + 20),
        entry(3, 'bob', T0 + 30),
        entry(4, 'bob', T0 + 40),
        entry(5, 'bob', T0 + 24 * 3600 * 1000),
      ],
      'bob/4',
    );
    assert.deepEqual(rows, [
      'history more',
      'day 2025-01-06',
      'header bob#1',
      'carol joined',
      'header bob#2',
      'bob#3',
      'unread',
      'header bob#4',
      'day 2025-01-07',
      'header bob#5',
    ]);
  });

  it('says whether older messages can be loaded', () => {
    const labels = { day: (): string => 'today', time: (): string => '' };
    assert.deepEqual(buildRows({ connection: ONLINE, entries: [], hasMore: false, loadingOlder: false }, labels)[0], {
      kind: 'history',
      key: 'history',
      state: 'start',
    });
    assert.deepEqual(buildRows({ connection: ONLINE, entries: [], hasMore: true, loadingOlder: true }, labels)[0], {
      kind: 'history',
      key: 'history',
      state: 'loading',
    });
  });

  it('promises neither older messages nor the beginning before any server was reached', () => {
    const labels = { day: (): string => 'today', time: (): string => '' };
    // After a window reload (no connection) and while a wrong URL is retried.
    for (const connection of [{ state: 'disconnected', reached: false }, { state: 'offline', reached: false, retryAt: 1 }] as const) {
      for (const hasMore of [true, false]) {
        assert.deepEqual(buildRows({ connection, entries: [], hasMore, loadingOlder: false }, labels)[0], {
          kind: 'history',
          key: 'history',
          state: 'unloaded',
        });
      }
    }
  });

  it("dates a message from another day, and shows only the time of today's", () => {
    const now = new Date(2026, 11, 1, 10, 30).getTime();
    const rows = buildRows(
      {
        connection: ONLINE,
        entries: [
          entry(1, 'bob', new Date(2025, 11, 31, 23, 59).getTime()),
          entry(2, 'bob', new Date(2026, 10, 28, 14, 5).getTime()),
          entry(3, 'bob', new Date(2026, 10, 30, 9, 0).getTime()),
          { kind: 'presence', key: 'presence:1', joined: ['carol'], left: [], ts: new Date(2026, 10, 30, 9, 1).getTime() },
          entry(4, 'bob', new Date(2026, 11, 1, 0, 0).getTime()),
          entry(5, 'bob', new Date(2026, 11, 1, 10, 29).getTime()),
        ],
        hasMore: false,
        loadingOlder: false,
      },
      timeLabels(now, 'en-GB'),
    );
    assert.deepEqual(
      rows.flatMap((row) => (row.kind === 'day' ? [row.label] : row.kind === 'message' || row.kind === 'presence' ? [row.time] : [])),
      [
        'Wednesday, 31 December 2025',
        '2025-12-31 23:59',
        'Saturday 28 November',
        '2026-11-28 14:05',
        'Yesterday',
        '2026-11-30 09:00',
        '2026-11-30 09:01',
        'Today',
        '00:00',
        '10:29',
      ],
    );
  });

  it('knows when the next day starts', () => {
    assert.equal(msUntilTomorrow(new Date(2026, 11, 1, 23, 59, 30).getTime()), 30_000);
    assert.equal(msUntilTomorrow(new Date(2026, 11, 31, 0, 0).getTime()), 24 * 60 * 60 * 1000);
  });

  it('names who is typing', () => {
    assert.equal(typingText([]), '');
    assert.equal(typingText(['bob']), 'bob is typing…');
    assert.equal(typingText(['bob', 'carol']), 'bob and carol are typing…');
    assert.equal(typingText(['bob', 'carol', 'dave']), 'Several people are typing…');
  });
});

describe('message markdown', () => {
  it('renders raw HTML as text, never as markup', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)> <script>alert(1)</script>');
    assert.doesNotMatch(html, /<img|<script/);
    assert.match(html, /&lt;script&gt;/);
  });

  it('links http, https and mailto only', () => {
    assert.match(renderMarkdown('see https://example.com/a?b=1'), /<a href="https:\/\/example\.com\/a\?b=1">/);
    assert.match(renderMarkdown('[mail](mailto:a@example.com)'), /<a href="mailto:a@example\.com">/);
    assert.doesNotMatch(renderMarkdown('[x](javascript:alert(1))'), /<a /);
    assert.doesNotMatch(renderMarkdown('[x](file:///etc/passwd)'), /<a /);
    assert.doesNotMatch(renderMarkdown('[x](vscode://settings)'), /<a /);
  });

  it('renders code blocks with their language and keeps headings as text', () => {
    const html = renderMarkdown('```ts\nconst a = 1 < 2;\n```');
    assert.match(html, /<pre class="code"><code class="hljs language-ts">.*&lt;.*<\/code><\/pre>/);
    assert.match(renderMarkdown('# not a heading'), /<p># not a heading<\/p>/);
  });
});

describe('webview messages', () => {
  it('only lets allowed links through to the extension', () => {
    assert.equal(isOpenableLink('https://example.com'), true);
    assert.equal(isOpenableLink('mailto:a@example.com'), true);
    assert.equal(isOpenableLink('command:workbench.action.quit'), false);
    assert.equal(fromWebview.safeParse({ type: 'openLink', url: 'https://example.com' }).success, true);
    assert.equal(fromWebview.safeParse({ type: 'openLink', url: 'javascript:alert(1)' }).success, false);
  });

  it('rejects unknown and malformed messages', () => {
    assert.equal(fromWebview.safeParse({ type: 'send' }).success, false);
    assert.equal(fromWebview.safeParse({ type: 'send', text: 42 }).success, false);
    // Empty is a note left out with attachments staged; the panel refuses it when none are.
    assert.equal(fromWebview.safeParse({ type: 'send', text: '' }).success, true);
    assert.equal(fromWebview.safeParse({ type: 'unstage', index: -1 }).success, false);
    assert.equal(fromWebview.safeParse({ type: 'eval', code: '1' }).success, false);
    assert.equal(fromWebview.safeParse('ready').success, false);
    // A retry names one of our message ids, which are bounded; nothing longer reaches an error message.
    assert.equal(fromWebview.safeParse({ type: 'retry', id: 'x'.repeat(64) }).success, true);
    assert.equal(fromWebview.safeParse({ type: 'retry', id: 'x'.repeat(65) }).success, false);
  });
});

describe('the new messages pill', () => {
  it('counts the messages from others after the newest one seen at the bottom', () => {
    const entries: TimelineEntry[] = [
      entry(1, 'bob', T0),
      entry(2, 'bob', T0 + 1),
      { kind: 'presence', key: 'presence:1', joined: ['carol'], left: [], ts: T0 + 2 },
      entry(3, 'me', T0 + 3, { mine: true, status: 'sent' }),
      entry(4, 'carol', T0 + 4),
      { ...entry(5, 'me', T0 + 5, { mine: true, status: 'sending' }), seq: undefined },
    ];
    assert.equal(countNewSince(entries, 'bob/1'), 2, 'bob#2 and carol#4; not the join line, not my own');
    assert.equal(countNewSince(entries, 'carol/4'), 0);
    assert.equal(countNewSince(entries, undefined), 0);
    assert.equal(countNewSince(entries, 'gone/9'), 0, 'after a gap the seen message is no longer held');
    // What the reader has seen at the bottom is the newest stored message, never one still sending.
    assert.equal(newestStoredKey(entries), 'carol/4');
    assert.equal(newestStoredKey([]), undefined);
  });
});

describe('mentions of the reader', () => {
  it('highlights @name as a whole word, as names compare, outside the name characters', () => {
    const marked = (text: string, tokens = ['@Alice']): string =>
      splitMentions(text, tokens)
        .map((part) => (part.mention ? `[${part.text}]` : part.text))
        .join('');
    assert.equal(marked('hi @alice, and @ALICE.'), 'hi [@alice], and [@ALICE].');
    assert.equal(marked('@alice'), '[@alice]');
    assert.equal(marked('@alicex @alice_b @alice.b @alice-b mail@alice.com'), '@alicex @alice_b @alice.b @alice-b mail@alice.com');
    assert.equal(marked('(@alice)'), '([@alice])');
    assert.equal(marked('@here now', ['@here']), '[@here] now');
    assert.equal(marked('no mention'), 'no mention');
    assert.deepEqual(splitMentions('text', []), [{ text: 'text', mention: false }]);
  });

  it('goes by the server\'s list when there is one, else by @self in the text', () => {
    assert.deepEqual(mentionTokens({ mine: false }, 'alice'), ['@alice']);
    assert.deepEqual(mentionTokens({ mine: false, mentions: ['bob', 'Alice', '@here'] }, 'alice'), ['@Alice', '@here']);
    assert.deepEqual(mentionTokens({ mine: false, mentions: ['bob'] }, 'alice'), []);
    assert.deepEqual(mentionTokens({ mine: true }, 'alice'), [], 'not in one\'s own messages');
    assert.deepEqual(mentionTokens({ mine: false }, undefined), []);
  });

  it('marks the rows that mention the reader', () => {
    const labels = { day: (): string => 'day', time: (): string => '' };
    const rows = buildRows(
      {
        connection: ONLINE,
        self: 'alice',
        hasMore: false,
        loadingOlder: false,
        entries: [
          entry(1, 'bob', T0, { text: 'ping @alice' }),
          entry(2, 'bob', T0 + 1, { text: 'ping @alicia' }),
          entry(3, 'bob', T0 + 2, { text: 'everyone', mentions: ['@channel'] }),
          // The server's list decides: text alone does not make a mention then.
          entry(4, 'bob', T0 + 3, { text: 'not really @alice', mentions: [] }),
        ],
      },
      labels,
    );
    assert.deepEqual(
      rows.flatMap((row) => (row.kind === 'message' ? [[row.entry.seq, row.mentionsMe, row.mentionTokens]] : [])),
      [
        [1, true, ['@alice']],
        [2, false, []],
        [3, true, ['@channel']],
        [4, false, []],
      ],
    );
  });
});

describe('opening a direct conversation from a sender\'s name', () => {
  it('accepts only a name', () => {
    assert.equal(fromWebview.safeParse({ type: 'openDirect', with: 'bob' }).success, true);
    for (const name of ['', 'not a name', 'x'.repeat(33), 42]) {
      assert.equal(fromWebview.safeParse({ type: 'openDirect', with: name }).success, false, String(name));
    }
  });
});
