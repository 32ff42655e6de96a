/**
 * fast-check arbitraries for what a hostile client sends: valid frames with wrong field types,
 * deep or wide JSON, long and odd Unicode strings, and frames in wrong orders.
 */
import fc from 'fast-check';
import { LIMITS } from '../../protocol';

/** Characters that have broken chat servers: lone surrogates, invisibles, controls, case folders, astral. */
const oddUnit = fc.constantFrom(
  '\ud800', '\udbff', '\udc00', '\u200b', '\u2060', '\ufeff', '\u0085', '\u0000', '\u001b', '\u2028',
  '\u212a', '\u0130', '\u00df', '😀', '\u0301', 'a', 'Z', ' ', '"', '\\', '<', '%', '.', '_',
);

export const oddString = fc.oneof(
  fc.string({ unit: oddUnit, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: oddUnit, minLength: LIMITS.textMaxCodePoints - 2, maxLength: LIMITS.textMaxCodePoints + 2 }),
  fc.constantFrom('', 'alice', 'ALICE', '\u212aelvin', '__proto__', 'constructor', 'group', 'x'.repeat(33)),
);

/** A frame as raw text, so it can be deeper than JSON.stringify would go. */
const deepJson = fc.record({
  // Integers are biased towards small values, and a stack overflows only thousands deep.
  depth: fc.oneof(fc.constantFrom(3000, 6000, 12_000, 30_000), fc.integer({ min: 1, max: 30_000 })),
  open: fc.constantFrom('[', '{"a":'),
  field: fc.constantFrom('type', 'text', 'id', 'to', 'with', 'name', 'before', 'limit'),
  frameType: fc.constantFrom('hello', 'say', 'history', 'typing'),
}).map(({ depth, open, field, frameType }) => {
  const close = open === '[' ? ']' : '}';
  const value = open.repeat(depth) + (open === '[' ? '' : '1') + close.repeat(depth);
  return field === 'type' ? `{"type":${value}}` : `{"type":"${frameType}","id":"d","${field}":${value}}`;
});

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(-1, 0, 2 ** 53, 1e308, LIMITS.historyMaxLimit + 1),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const fieldOf = (good: fc.Arbitrary<unknown>) => fc.option(fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: anyValue }), { nil: undefined });
const seqValue = fc.oneof(fc.nat(1000), fc.constant(Number.MAX_SAFE_INTEGER));

/** Mostly well-shaped frames, each field sometimes of the wrong type. */
const shapedFrame = fc.oneof(
  fc.record({ type: fc.constant('hello'), name: fieldOf(fc.oneof(fc.constantFrom('alice', 'bob', 'fuzz'), oddString)), session: fieldOf(oddString), resume: fieldOf(seqValue) }),
  fc.record({ type: fc.constant('say'), id: fieldOf(oddString), text: fieldOf(oddString), to: fieldOf(fc.oneof(fc.constantFrom('alice', 'bob'), oddString)) }),
  fc.record({ type: fc.constant('history'), with: fieldOf(oddString), before: fieldOf(seqValue), limit: fieldOf(fc.integer({ min: -5, max: 500 })) }),
  fc.record({ type: fc.constant('typing'), to: fieldOf(oddString) }),
  fc.record({ type: anyValue }),
).map((frame) => JSON.stringify(frame));

/** Objects with many keys or arrays with many items, under the 64 KiB frame limit. */
const wideJson = fc.record({ width: fc.integer({ min: 100, max: 5000 }), kind: fc.constantFrom('keys', 'items') }).map(({ width, kind }) =>
  kind === 'keys'
    ? JSON.stringify(Object.fromEntries([['type', 'say'], ['id', 'w'], ['text', 'wide'], ...Array.from({ length: width }, (_, i) => [`k${i}`, i])]))
    : JSON.stringify({ type: 'say', id: 'w', text: Array.from({ length: width }, (_, i) => i) }),
);

export const hostileFrame = fc.oneof(
  { weight: 6, arbitrary: shapedFrame },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: wideJson },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
);

/** What one client does: maybe hello first (or not), then frames in any order. */
export const clientScript = fc.record({
  helloFirst: fc.option(fc.constantFrom('alice', 'bob', 'carol'), { nil: undefined }),
  frames: fc.array(hostileFrame, { minLength: 1, maxLength: 12 }),
});

/** Several clients at once. */
export const scenario = fc.array(clientScript, { minLength: 1, maxLength: 4 });
