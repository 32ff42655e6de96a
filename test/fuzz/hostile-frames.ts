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
  field: fc.constantFrom('type', 'text', 'id', 'to', 'with', 'name', 'before', 'limit', 'channel', 'attachments'),
  frameType: fc.constantFrom('hello', 'say', 'history', 'typing', 'create', 'read'),
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

const channelName = fieldOf(fc.oneof(fc.constantFrom('general', 'build', 'secret', 'GENERAL', '#build', 'a'.repeat(33)), oddString));
const userName = fieldOf(fc.oneof(fc.constantFrom('alice', 'bob', 'carol', 'root'), oddString));
const ref = fieldOf(oddString);

/** Attachments (code anchors, diffs) with hostile paths, ranges, commits and sizes. */
const attachmentValue = fc.oneof(
  fc.record({
    kind: fc.constant('code'),
    path: fieldOf(fc.oneof(fc.constantFrom('src/a.ts', '../etc/passwd', '/abs', 'a\\b', 'a//b', './x'), oddString)),
    range: fieldOf(fc.record({ startLine: fieldOf(fc.integer({ min: -2, max: 10 })), endLine: fieldOf(fc.integer({ min: -2, max: 10 })), startColumn: fieldOf(fc.integer()) })),
    snippet: fieldOf(oddString),
    language: fieldOf(oddString),
    git: fieldOf(fc.record({ commit: fieldOf(fc.oneof(fc.constant('a'.repeat(40)), oddString)), dirty: fieldOf(fc.boolean()), remote: fieldOf(oddString) })),
  }),
  fc.record({ kind: fc.constant('diff'), diff: fieldOf(fc.oneof(oddString, fc.constant('x'.repeat(60_000)))), scope: fieldOf(fc.constantFrom('working', 'staged', 'other')) }),
  anyValue,
);

/** Mostly well-shaped frames of both protocol versions, each field sometimes of the wrong type. */
const shapedFrame = fc.oneof(
  fc.record({
    type: fc.constant('hello'),
    name: fieldOf(fc.oneof(fc.constantFrom('alice', 'bob', 'fuzz'), oddString)),
    session: fieldOf(oddString),
    resume: fieldOf(seqValue),
    protocol: fieldOf(fc.constantFrom(1, 2, 3, 0, -1)),
    password: fieldOf(oddString),
  }),
  fc.record({
    type: fc.constant('say'),
    id: fieldOf(oddString),
    text: fieldOf(oddString),
    to: fieldOf(fc.oneof(fc.constantFrom('alice', 'bob'), oddString)),
    channel: channelName,
    attachments: fieldOf(fc.array(attachmentValue, { maxLength: 6 })),
    ref,
  }),
  fc.record({ type: fc.constant('history'), with: fieldOf(oddString), channel: channelName, before: fieldOf(seqValue), limit: fieldOf(fc.integer({ min: -5, max: 500 })) }),
  fc.record({ type: fc.constant('typing'), to: fieldOf(oddString), channel: channelName }),
  fc.record({ type: fc.constantFrom('create', 'join', 'leave', 'archive', 'members'), channel: channelName, private: fieldOf(fc.boolean()), topic: fieldOf(oddString), ref }),
  fc.record({ type: fc.constantFrom('invite', 'topic', 'rename'), channel: channelName, name: userName, topic: fieldOf(oddString), to: channelName, ref }),
  fc.record({ type: fc.constant('read'), channel: channelName, with: userName, seq: fieldOf(seqValue), ref }),
  fc.record({ type: fc.constantFrom('channels', 'devices', 'signout'), ref }),
  fc.record({ type: fc.constantFrom('password', 'revoke', 'disable', 'enable'), password: fieldOf(oddString), current: fieldOf(oddString), device: fieldOf(fc.integer()), all: fieldOf(fc.boolean()), name: userName, ref }),
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
  /** Says hello as a protocol 2 client (channels). */
  protocol2: fc.boolean(),
  frames: fc.array(hostileFrame, { minLength: 1, maxLength: 12 }),
});

/** Several clients at once. */
export const scenario = fc.array(clientScript, { minLength: 1, maxLength: 4 });
