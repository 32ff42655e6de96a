import assert from 'node:assert/strict';
import { plainTextPreview } from '../../../extension/model/plain-text';

describe('plainTextPreview (a message in a notification)', () => {
  it('shows the text of markdown, not its markup', () => {
    assert.equal(plainTextPreview('this is **urgent**, _really_ ~~not~~', 120), 'this is urgent, really not');
    assert.equal(plainTextPreview('run `npm test` first', 120), 'run npm test first');
    assert.equal(plainTextPreview('in**word**emphasis', 120), 'inwordemphasis');
    assert.equal(plainTextPreview('see [the docs](https://example.com/docs)', 120), 'see the docs');
    assert.equal(plainTextPreview('> quoted\n\n- one\n- two', 120), 'quoted one two');
    assert.equal(plainTextPreview('a \\*literal\\* star &amp; <b>tag</b>', 120), 'a *literal* star & <b>tag</b>');
  });

  it('never reads as a link to VS Code, which links [text](target) in notifications', () => {
    assert.equal(plainTextPreview('\\[run\\](command:workbench.action.quit)', 120), '[run] (command:workbench.action.quit)');
  });

  it('keeps code, on one line', () => {
    assert.equal(
      plainTextPreview('Can you look at **this**?\n\n```ts\nconst x = 1;\nconst y = 2;\n```\nthanks', 120),
      'Can you look at this? const x = 1; const y = 2; thanks',
    );
  });

  it('is one line of bounded length, never cutting a character in half', () => {
    assert.equal(plainTextPreview('line one\nline two\r\n\tline three', 120), 'line one line two line three');
    const long = plainTextPreview('😀'.repeat(200), 10);
    assert.equal(long, `${'😀'.repeat(9)}…`);
    assert.equal(plainTextPreview('exactly ten', 11), 'exactly ten');
  });
});
