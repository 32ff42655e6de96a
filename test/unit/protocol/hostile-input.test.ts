import assert from 'node:assert/strict';
import { hasVisibleText, isWellFormed, nameKey, parseClientFrame, parseServerFrame, quote, replyTagsOfText } from '../../../protocol';

function refusal(text: string): { code: string; message: string; id?: string } {
  const result = parseClientFrame(text);
  assert.ok(!result.ok, `expected a refusal for ${text.slice(0, 80)}`);
  return result;
}

describe('protocol: hostile input', () => {
  it('answers a deeply nested type with a short BAD_FRAME that does not echo it', () => {
    const nested = ['{"type":' + '['.repeat(5000) + ']'.repeat(5000) + '}', '{"type":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}'];
    for (const text of nested) {
      const error = refusal(text);
      assert.equal(error.code, 'BAD_FRAME');
      assert.ok(error.message.length < 400, error.message);
      assert.doesNotMatch(error.message, /\[\[|\{"a"/);
    }
    const deepField = refusal('{"type":"say","id":"d","text":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}');
    assert.deepEqual([deepField.code, deepField.id], ['BAD_FRAME', 'd']);
    assert.ok(deepField.message.length < 200, deepField.message);
  });

  it('never echoes more than a bounded excerpt of a string it refuses', () => {
    const long = 'x'.repeat(60_000);
    for (const frame of [{ type: long }, { type: 'say', id: 'a', text: 'hi', to: long }, { type: 'history', with: long }, { [long]: 1, type: 'say' }]) {
      const error = refusal(JSON.stringify(frame));
      assert.ok(error.message.length < 300, `${error.message.length}: ${error.message.slice(0, 100)}`);
    }
    const longId = refusal(JSON.stringify({ type: 'say', id: long, text: 'hi' }));
    assert.equal(longId.id, undefined, 'an id that is itself invalid is not echoed');
    assert.deepEqual(replyTagsOfText(JSON.stringify({ type: 'say', id: long, ref: long })), {});
    assert.deepEqual(replyTagsOfText('{"type":"say","id":"ok","ref":"r1"}'), { id: 'ok', ref: 'r1' });
    assert.deepEqual(replyTagsOfText('{"type":"history","id":"not a say","ref":"r2"}'), { ref: 'r2' });
    assert.equal(quote('😀'.repeat(100)).length < 100, true);
    assert.ok(isWellFormed(quote('a\ud800b')), 'an excerpt of a lone surrogate is itself well-formed');
  });

  it('refuses lone surrogates in every string field, keeping well-formed pairs', () => {
    const lone = '\ud800';
    const frames = [
      { type: 'say', id: 's', text: lone.repeat(4000) },
      { type: 'say', id: 's', text: `ok ${lone}` },
      { type: 'say', id: 's', text: 'ok', to: `bob${lone}` },
      { type: 'say', id: `s${lone}`, text: 'ok' },
      { type: 'hello', name: `bob${lone}` },
      { type: 'hello', name: 'bob', session: `x${lone}` },
      { type: 'history', with: `\udc00bob` },
      { type: 'typing', to: `bob${lone}` },
    ];
    for (const frame of frames) {
      const error = refusal(JSON.stringify(frame));
      assert.equal(error.code, 'BAD_FRAME', JSON.stringify(frame));
      assert.match(error.message, /lone UTF-16 surrogate/);
    }
    assert.equal(refusal(JSON.stringify(frames[0])).id, 's', 'a refused say is named');
    assert.ok(parseClientFrame(JSON.stringify({ type: 'say', id: 'e', text: '😀\ud83d\ude00' })).ok);
    assert.equal(parseServerFrame(JSON.stringify({ type: 'message', seq: 1, id: 'x', from: 'a', text: lone, ts: 1 })).ok, false);
  });

  it('refuses texts of only white space, control, format or invisible characters', () => {
    for (const text of ['\u200b', '\u2060', '\ufeff', '\u0085', '\u0000', '\u200b\u2060\ufeff\u0085\u0000 \n', '\u3164', '\u00ad', '\u180e', '\ufe0f']) {
      const error = refusal(JSON.stringify({ type: 'say', id: 'i', text }));
      assert.deepEqual([error.code, error.id], ['BAD_FRAME', 'i'], JSON.stringify(text));
    }
    for (const text of ['.', 'a\u200b', '\u0301', '😀', '\u00a0x']) assert.ok(hasVisibleText(text), JSON.stringify(text));
  });

  it('validates names in to and with by the hello rule before folding them', () => {
    assert.notEqual(nameKey('\u212Aelvin'), nameKey('kelvin'), 'KELVIN SIGN does not fold onto k');
    assert.equal(nameKey('KeLvIn'), 'kelvin');
    const say = refusal(JSON.stringify({ type: 'say', id: 'k', text: 'hi', to: '\u212Aelvin' }));
    assert.deepEqual([say.code, say.id], ['UNKNOWN_USER', 'k']);
    assert.equal(refusal(JSON.stringify({ type: 'history', with: '\u212Aelvin' })).code, 'UNKNOWN_USER');
    assert.equal(refusal(JSON.stringify({ type: 'typing', to: 'bob smith' })).code, 'UNKNOWN_USER');
    assert.equal(refusal(JSON.stringify({ type: 'hello', name: '\u212Aelvin' })).code, 'BAD_NAME');
  });
});
