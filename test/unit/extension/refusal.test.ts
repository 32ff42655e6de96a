import assert from 'node:assert/strict';
import { describeRefusal, type RefusalContext } from '../../../extension/model/refusal';
import { validatePassword } from '../../../extension/model/validation';

const base: RefusalContext = { code: '', serverText: 'server says so', userName: 'ann', serverUrl: 'ws://chat:4446', passwordSent: false };
const refusal = (extra: Partial<RefusalContext>) => describeRefusal({ ...base, ...extra });

describe('extension: what a refused sign-in says and offers next', () => {
  it('asks for the password at once when the server needs one', () => {
    const answer = refusal({ code: 'AUTH_REQUIRED' });
    assert.equal(answer.next.kind, 'askPassword');
    assert.match(answer.next.kind === 'askPassword' ? answer.next.prompt : '', /needs the password of "ann"/);
  });

  it('says "wrong password" with Try Again after a password, and asks for one after a token alone', () => {
    const wrong = refusal({ code: 'AUTH_FAILED', passwordSent: true });
    assert.match(wrong.message, /Wrong name or password for "ann"/);
    assert.deepEqual(wrong.next, { kind: 'retryPassword', button: 'Try Again' });
    const signedOut = refusal({ code: 'AUTH_FAILED', passwordSent: false });
    assert.equal(signedOut.next.kind, 'askPassword');
    assert.match(signedOut.message, /signed out/);
  });

  it('names the password rule for BAD_PASSWORD and offers Try Again', () => {
    const answer = refusal({ code: 'BAD_PASSWORD', passwordSent: true });
    assert.match(answer.message, /8 to 1,024 characters/);
    assert.deepEqual(answer.next, { kind: 'retryPassword', button: 'Try Again' });
  });

  it('waits as long as the server asks after TOO_MANY_ATTEMPTS, and a sane time when it says nothing', () => {
    const answer = refusal({ code: 'TOO_MANY_ATTEMPTS', retryAfterMs: 4200 });
    assert.match(answer.message, /Wait 5 s/);
    assert.deepEqual(answer.next, { kind: 'waitThenRetry', waitMs: 4200 });
    assert.deepEqual(refusal({ code: 'TOO_MANY_ATTEMPTS', retryAfterMs: -1 }).next, { kind: 'waitThenRetry', waitMs: 30_000 });
    assert.deepEqual(refusal({ code: 'TOO_MANY_ATTEMPTS', retryAfterMs: 1e12 }).next, { kind: 'waitThenRetry', waitMs: 86_400_000 });
  });

  it('sends an invalid invite and a disabled account to an admin', () => {
    assert.match(refusal({ code: 'INVITE_INVALID' }).message, /Ask your admin for a new invite link/);
    const disabled = refusal({ code: 'ACCOUNT_DISABLED' });
    assert.match(disabled.message, /An admin disabled the account "ann"/);
    assert.deepEqual(disabled.next, { kind: 'none' });
  });

  it('offers another name for a taken or bad name', () => {
    assert.equal(refusal({ code: 'NAME_TAKEN' }).next.kind, 'chooseName');
    assert.match(refusal({ code: 'BAD_NAME' }).message, /server says so/);
  });

  it("repeats an unknown code's text only cut to a bound, on one line", () => {
    const answer = refusal({ code: 'SOMETHING_NEW', serverText: `line one\n${'x'.repeat(5000)}` });
    assert.match(answer.message, /SOMETHING_NEW/);
    assert.match(answer.message, /line one x/);
    assert.ok(answer.message.length < 400, String(answer.message.length));
    assert.deepEqual(answer.next, { kind: 'showLog', button: 'Show Log' });
  });
});

describe('extension: password check in the input boxes', () => {
  it('takes 8 to 1,024 characters, counted in code points', () => {
    assert.equal(validatePassword('12345678'), undefined);
    assert.equal(validatePassword('🔑'.repeat(8)), undefined);
    assert.match(validatePassword('1234567') ?? '', /7 characters: a password is 8 to 1,024 characters/);
    assert.equal(validatePassword('x'.repeat(1024)), undefined);
    assert.match(validatePassword('x'.repeat(1025)) ?? '', /1,025 characters/);
  });
});
