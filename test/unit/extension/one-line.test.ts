import assert from 'node:assert/strict';
import { oneLine } from '../../../extension/model/one-line';

describe('oneLine (text from elsewhere in a notification)', () => {
  it('is one line', () => {
    assert.equal(oneLine('  the name\n\tis\r\n taken  ', 100), 'the name is taken');
  });

  it('is cut to a length in code points, never halving a character', () => {
    assert.equal(oneLine('x'.repeat(5000), 200), `${'x'.repeat(199)}…`);
    assert.equal(oneLine('😀'.repeat(20), 10), `${'😀'.repeat(9)}…`);
    assert.equal(oneLine('exactly ten', 11), 'exactly ten');
  });

  it('cannot become a link in a VS Code notification', () => {
    assert.equal(oneLine('[Open](command:workbench.action.quit)', 100), '[Open] (command:workbench.action.quit)');
  });
});
