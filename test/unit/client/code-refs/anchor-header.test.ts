import assert from 'node:assert/strict';
import { anchorHeader } from '../../../../client/code-refs/anchor-header';

const git = { commit: 'abc1234def5678901234567890abcdef12345678', dirty: false };

describe('code refs: anchor header', () => {
  it('is path:Lstart-Lend @ short commit', () => {
    assert.equal(anchorHeader({ path: 'src/a.ts', range: { startLine: 10, endLine: 24 }, git }), 'src/a.ts:L10-L24 @ abc1234');
  });

  it('names one line once', () => {
    assert.equal(anchorHeader({ path: 'src/a.ts', range: { startLine: 7, endLine: 7, startColumn: 2, endColumn: 9 }, git }), 'src/a.ts:L7 @ abc1234');
  });

  it('has no commit outside git', () => {
    assert.equal(anchorHeader({ path: 'notes.md', range: { startLine: 1, endLine: 3 } }), 'notes.md:L1-L3');
  });
});
