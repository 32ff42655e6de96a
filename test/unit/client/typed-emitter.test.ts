import assert from 'node:assert/strict';
import { TypedEmitter } from '../../../client/typed-emitter';

class Emitter extends TypedEmitter<{ constructor: [value: number]; toString: [] }> {
  fire(value: number): void {
    this.emit('constructor', value);
    this.emit('toString');
  }
}

describe('client: typed emitter', () => {
  it('takes any event name, even one an object inherits', () => {
    const emitter = new Emitter();
    const got: number[] = [];
    emitter.fire(0);
    emitter.on('constructor', (value) => got.push(value));
    emitter.fire(1);
    assert.deepEqual(got, [1]);
  });
});
