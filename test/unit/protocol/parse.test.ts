import assert from 'node:assert/strict';
import { codePointLength, isValidName, nameKey, parseClientFrame, parseServerFrame } from '../../../protocol';

describe('protocol: parsing frames', () => {
  it('accepts each client frame type and strips unknown fields', () => {
    const hello = parseClientFrame('{"type":"hello","name":"a.b-c_1","session":"s","resume":3,"extra":true}');
    assert.deepEqual(hello, { ok: true, frame: { type: 'hello', name: 'a.b-c_1', session: 's', resume: 3 } });
    assert.ok(parseClientFrame('{"type":"say","id":"1","text":"hi","to":"bob"}').ok);
    assert.ok(parseClientFrame('{"type":"history","with":"bob","before":10,"limit":5}').ok);
    assert.ok(parseClientFrame('{"type":"typing"}').ok);
  });

  it('maps each kind of bad frame to its error code', () => {
    const code = (text: string) => {
      const result = parseClientFrame(text);
      return result.ok ? 'ok' : result.code;
    };
    assert.equal(code('{'), 'BAD_FRAME');
    assert.equal(code('null'), 'BAD_FRAME');
    assert.equal(code('{"type":"nope"}'), 'BAD_FRAME');
    assert.equal(code('{"type":"hello"}'), 'BAD_FRAME');
    assert.equal(code('{"type":"hello","name":"bad name"}'), 'BAD_NAME');
    assert.equal(code('{"type":"hello","name":"ok","resume":-1}'), 'BAD_FRAME');
    assert.equal(code(`{"type":"say","id":"1","text":"${'x'.repeat(4001)}"}`), 'TOO_LONG');
    assert.equal(code('{"type":"say","id":"1","text":"\\u00a0\\u2003"}'), 'BAD_FRAME');
    assert.equal(code('{"type":"say","id":"","text":"x"}'), 'BAD_FRAME');
  });

  it('validates server frames for clients', () => {
    assert.ok(parseServerFrame('{"type":"ack","id":"1","seq":1,"ts":2}').ok);
    assert.equal(parseServerFrame('{"type":"ack","id":"1"}').ok, false);
    assert.ok(parseServerFrame('{"type":"error","code":"FROM_A_LATER_SERVER","message":""}').ok, 'codes can be added');
    assert.equal(parseServerFrame('{"type":"error","code":"","message":""}').ok, false);
  });

  it('counts code points, checks names and compares them case-insensitively', () => {
    assert.equal(codePointLength('a😀é'), 3);
    assert.equal(codePointLength('\ud83d'), 1, 'a lone surrogate counts once');
    assert.ok(isValidName('A'.repeat(32)));
    assert.ok(!isValidName('A'.repeat(33)));
    assert.ok(!isValidName('bob!'));
    assert.equal(nameKey('BoB'), nameKey('bob'));
  });
});
