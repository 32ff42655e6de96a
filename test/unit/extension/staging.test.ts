import assert from 'node:assert/strict';
import { LIMITS, type CodeAttachment, type DiffAttachment } from '../../../protocol';
import { GENERAL } from '../../../extension/model/address';
import { diffSizeProblem, messageProblem } from '../../../extension/model/send-limits';
import { StagedAttachments } from '../../../extension/model/staged-attachments';

const COMMIT = 'a'.repeat(40);

function anchor(path: string, snippet = 'const answer = 42;'): CodeAttachment {
  return { kind: 'code', path, range: { startLine: 3, endLine: 3 }, language: 'typescript', snippet, git: { commit: COMMIT, dirty: false } };
}

function diff(bytes: number): DiffAttachment {
  const head = 'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+';
  return { kind: 'diff', diff: `${head}${'x'.repeat(Math.max(0, bytes - head.length - 1))}\n`, scope: 'working', base: COMMIT };
}

const fitsAlways = (): undefined => undefined;

describe('StagedAttachments', () => {
  it('keeps what was staged in order, once each, until taken out or cleared', () => {
    const staged = new StagedAttachments();
    assert.equal(staged.add(anchor('a.ts'), fitsAlways), undefined);
    assert.equal(staged.add(anchor('b.ts'), fitsAlways), undefined);
    assert.equal(staged.add(anchor('a.ts'), fitsAlways), undefined, 'the same anchor again is no problem');
    assert.deepEqual(staged.list.map((item) => item.kind === 'code' && item.path), ['a.ts', 'b.ts']);
    assert.equal(staged.remove(0), true);
    assert.deepEqual(staged.list.map((item) => item.kind === 'code' && item.path), ['b.ts']);
    assert.equal(staged.remove(1), false, 'an index from an out-of-date view');
    staged.clear();
    assert.deepEqual(staged.list, []);
  });

  it(`refuses more than ${LIMITS.attachmentsMax} and what does not fit with the others, keeping what it had`, () => {
    const staged = new StagedAttachments();
    for (let i = 0; i < LIMITS.attachmentsMax; i++) assert.equal(staged.add(anchor(`f${i}.ts`), fitsAlways), undefined);
    assert.match(staged.add(anchor('one-more.ts'), fitsAlways) ?? '', /^A message can carry 4 attachments at most/);
    staged.clear();
    staged.add(anchor('a.ts'), fitsAlways);
    assert.equal(staged.add(anchor('b.ts'), (all) => (all.length > 1 ? 'too big together' : undefined)), 'too big together');
    assert.equal(staged.list.length, 1);
  });
});

describe('sizes said before sending', () => {
  it('refuses a diff over the limit with its size and the limit in KiB, rounded up', () => {
    assert.equal(diffSizeProblem(diff(LIMITS.diffMaxBytes).diff), undefined);
    assert.equal(diffSizeProblem(diff(80 * 1024).diff), 'This diff is 80 KiB; Relay Chat can send up to 56 KiB.');
    // One byte over never reads as the limit itself.
    assert.equal(diffSizeProblem(diff(LIMITS.diffMaxBytes + 1).diff), 'This diff is 57 KiB; Relay Chat can send up to 56 KiB.');
    // Counted in UTF-8 bytes: 28,000 "é" are 56,000 bytes, 30,000 are over.
    assert.equal(diffSizeProblem('é'.repeat(28_000)), undefined);
    assert.match(diffSizeProblem('é'.repeat(30_000)) ?? '', /^This diff is 59 KiB/);
  });

  it('refuses a message whose say frame would be over the frame limit', () => {
    assert.equal(messageProblem(GENERAL, 'have a look', [diff(LIMITS.diffMaxBytes)]), undefined);
    const twoDiffs = [diff(40 * 1024), diff(30 * 1024)];
    assert.match(messageProblem(GENERAL, '', twoDiffs) ?? '', /^This message is 7\d KiB with its attachments; Relay Chat can send up to 64 KiB at once\.$/);
    // Snippets are limited in characters, the frame in bytes: four of "é" at their limit are twice it.
    const snippets = [1, 2, 3, 4].map((n) => anchor(`s${n}.ts`, 'é'.repeat(LIMITS.snippetMaxLength)));
    assert.match(messageProblem(GENERAL, '', snippets) ?? '', /^This message is 12\d KiB with its attachments/);
  });

  it('refuses a note so long that the text with the readable summary is over the text limit', () => {
    assert.equal(messageProblem(GENERAL, 'n'.repeat(100), [anchor('a.ts')]), undefined);
    assert.match(messageProblem(GENERAL, 'n'.repeat(LIMITS.textMaxCodePoints), [anchor('a.ts')]) ?? '', /characters; a message can have up to 4000\. Shorten the note\.$/);
  });
});
