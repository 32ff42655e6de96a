import assert from 'node:assert/strict';
import fc from 'fast-check';
import { attachmentFallback, composeText, splitNote } from '../../../../client/code-refs/fallback';
import { attachment, type Attachment, type CodeAttachment, type DiffAttachment } from '../../../../protocol/attachments';
import { codePointLength, LIMITS } from '../../../../protocol/limits';

const COMMIT = 'abc1234def5678901234567890abcdef12345678';

function code(snippet: string, extra: Partial<CodeAttachment> = {}): CodeAttachment {
  return {
    kind: 'code',
    path: 'src/a.ts',
    range: { startLine: 10, endLine: 9 + snippet.split('\n').length },
    language: 'typescript',
    snippet,
    git: { remote: 'github.com/org/repo', commit: COMMIT, dirty: false },
    ...extra,
  };
}

function diffOf(lines: number): DiffAttachment {
  const body = Array.from({ length: lines }, (_, i) => `+line ${i}`);
  return {
    kind: 'diff',
    diff: ['diff --git a/a.txt b/a.txt', '--- a/a.txt', '+++ b/a.txt', `@@ -0,0 +1,${lines} @@`, ...body, ''].join('\n'),
    scope: 'working',
    base: COMMIT,
    remote: 'github.com/org/repo',
  };
}

describe('code refs: text fallback', () => {
  it('shows a code anchor as its header and a fenced snippet', () => {
    assert.equal(attachmentFallback([code('const a = 1;\nconst b = 2;')]), 'src/a.ts:L10-L11 @ abc1234\n```typescript\nconst a = 1;\nconst b = 2;\n```');
  });

  it('uses a fence longer than any backtick run in the snippet', () => {
    const fallback = attachmentFallback([code('md = "```js\\n````"', { language: undefined })]);
    assert.equal(fallback, 'src/a.ts:L10 @ abc1234\n`````\nmd = "```js\\n````"\n`````');
  });

  it('shows a diff as a description, its --stat and its lines in a diff fence', () => {
    const fallback = attachmentFallback([{ ...diffOf(2), scope: 'staged' }]);
    assert.equal(
      fallback,
      [
        'Staged changes in github.com/org/repo @ abc1234',
        '```',
        ' a.txt | 2 ++',
        ' 1 file changed, 2 insertions(+)',
        '```',
        '```diff',
        'diff --git a/a.txt b/a.txt',
        '--- a/a.txt',
        '+++ b/a.txt',
        '@@ -0,0 +1,2 @@',
        '+line 0',
        '+line 1',
        '```',
      ].join('\n'),
    );
  });

  it('joins several attachments with a blank line and puts the note first', () => {
    const both = [code('x'), code('y', { path: 'b.ts', git: undefined })];
    const text = composeText('look at these', both);
    assert.equal(text, 'look at these\n\nsrc/a.ts:L10 @ abc1234\n```typescript\nx\n```\n\nb.ts:L10\n```typescript\ny\n```');
    assert.equal(composeText('', both), attachmentFallback(both));
  });

  it('cuts a long diff to the text limit, saying how many lines were left out', () => {
    const big = diffOf(2000);
    const text = composeText('please review', [big]);
    assert.ok(codePointLength(text) <= LIMITS.textMaxCodePoints);
    const omitted = /\[(\d+) more lines not shown\]$/.exec(text);
    assert.ok(omitted, text.slice(-200));
    const fence = /```diff\n([\s\S]*?)\n```/.exec(text)!;
    const shown = fence[1]!.split('\n');
    assert.deepEqual(shown, big.diff.split('\n').slice(0, shown.length), 'the first lines, in order');
    assert.equal(shown.length + Number(omitted[1]), 2004, 'every line of the diff is shown or counted');
    assert.match(text, /```\n\n\[\d+ more lines not shown\]$/, 'the fence is closed before the count');
  });

  it('keeps only headers, or a count, when the note leaves no room', () => {
    const text = composeText('n'.repeat(LIMITS.textMaxCodePoints - 60), [code('aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc')]);
    assert.ok(codePointLength(text) <= LIMITS.textMaxCodePoints);
    assert.match(text, /\n\nsrc\/a\.ts:L10-L12 @ abc1234\n\n\[3 more lines not shown\]$/);
    assert.equal(splitNote(composeText('n'.repeat(LIMITS.textMaxCodePoints), [code('a')]), [code('a')]), 'n'.repeat(LIMITS.textMaxCodePoints));
    assert.match(composeText('n'.repeat(LIMITS.textMaxCodePoints), [code('a')]), /\n\n\[1 attachment\]$/);
  });

  it('gives back the note, and the whole text when it is not a composed one', () => {
    const attachments = [code('x')];
    assert.equal(splitNote(composeText('hello', attachments), attachments), 'hello');
    assert.equal(splitNote(composeText('', attachments), attachments), '');
    assert.equal(splitNote('a bot wrote this', attachments), 'a bot wrote this');
    assert.equal(splitNote('hi\n\nsrc/a.ts:L10 @ abc1234\n```\nedited\n```', attachments), 'hi\n\nsrc/a.ts:L10 @ abc1234\n```\nedited\n```');
    assert.equal(splitNote('plain', undefined), 'plain');
  });

  it('finds the note even when the note itself contains the header', () => {
    const attachments = [code('x')];
    const note = 'about src/a.ts:L10 @ abc1234\n\nsrc/a.ts:L10 @ abc1234\n\nsee below';
    assert.equal(splitNote(composeText(note, attachments), attachments), note);
  });

  it('splitNote(composeText(note, attachments), attachments) is the note for any note', () => {
    const snippet = fc.array(fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('```', '````x', '', '\n\n')), { maxLength: 200 }).map((lines) => lines.join('\n'));
    const anyCode = fc.record({ snippet, path: fc.constantFrom('src/a.ts', 'b c/d.md', 'x'), withGit: fc.boolean() }).map(({ snippet, path, withGit }) =>
      code(snippet, { path, ...(withGit ? {} : { git: undefined }) }),
    );
    const anyDiff = fc.integer({ min: 1, max: 600 }).map(diffOf);
    const attachments = fc.array(fc.oneof(anyCode, anyDiff), { minLength: 1, maxLength: LIMITS.attachmentsMax });
    const note = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.constantFrom('\n', '\n\n', 'src/a.ts:L10 @ abc1234', '\n\nsrc/a.ts:L10 @ abc1234', '[1 attachment]', '\n\n['),
      fc.integer({ min: 3900, max: 4100 }).map((n) => 'é'.repeat(n)),
    );
    fc.assert(
      fc.property(note, attachments, (note, attachments: Attachment[]) => {
        for (const one of attachments) assert.ok(attachment.safeParse(one).success);
        const text = composeText(note, attachments);
        assert.equal(splitNote(text, attachments), note);
        if (codePointLength(note) + 100 < LIMITS.textMaxCodePoints) assert.ok(codePointLength(text) <= LIMITS.textMaxCodePoints);
      }),
      { numRuns: 300 },
    );
  });
});
