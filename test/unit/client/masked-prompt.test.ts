import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { PromptCancelled, readMasked } from '../../../client/terminal/masked-prompt';

/** A terminal as the prompt sees it: keys written in, raw mode recorded, the screen collected. */
function fakeTerminal(): { input: PassThrough & { isTTY: true; isRaw: boolean; setRawMode(mode: boolean): void }; output: PassThrough; screen: () => string; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true as const,
    isRaw: false,
    setRawMode(mode: boolean) {
      rawModes.push(mode);
      input.isRaw = mode;
    },
  });
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { input, output, screen: () => written, rawModes };
}

describe('client: masked password prompt', () => {
  it('reads what is typed in raw mode without echoing it; Backspace and Ctrl+U edit, arrows are ignored, Enter submits', async () => {
    const term = fakeTerminal();
    const answer = readMasked(term, 'Password for dana on ws://h:1: ');
    assert.equal(term.input.isRaw, true, 'raw mode while asking, so the terminal echoes nothing');
    term.input.write('wrong');
    term.input.write('\x15'); // Ctrl+U: start over
    term.input.write('s3cret');
    term.input.write('\x1b[D'); // an arrow key is no part of it
    term.input.write('X\x7f'); // typed and taken back
    term.input.write('!é\r');
    assert.equal(await answer, 's3cret!é');
    assert.equal(term.screen(), 'Password for dana on ws://h:1: \n', 'the prompt and a new line, nothing typed');
    assert.deepEqual(term.rawModes, [true, false], 'the terminal is left as it was');
  });

  it('is cancelled by Ctrl+C, by Ctrl+D on an empty line, by the end of the input and by its signal', async () => {
    for (const keys of ['abc\x03', '\x04']) {
      const term = fakeTerminal();
      const answer = readMasked(term, '? ');
      term.input.write(keys);
      await assert.rejects(answer, PromptCancelled, JSON.stringify(keys));
      assert.equal(term.input.isRaw, false);
    }
    const ended = fakeTerminal();
    const endedAnswer = readMasked(ended, '? ');
    ended.input.end();
    await assert.rejects(endedAnswer, PromptCancelled);

    const aborted = fakeTerminal();
    const controller = new AbortController();
    const abortedAnswer = readMasked(aborted, '? ', controller.signal);
    aborted.input.write('half');
    controller.abort();
    await assert.rejects(abortedAnswer, PromptCancelled);
    assert.equal(aborted.input.isRaw, false);
  });

  it('keeps Ctrl+D inside a typed password from cancelling it', async () => {
    const term = fakeTerminal();
    const answer = readMasked(term, '? ');
    term.input.write('pass\x04word\r');
    assert.equal(await answer, 'password');
  });
});
