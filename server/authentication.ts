/**
 * Who a `hello` is: a device token (or a v1 session), a password, an invite, or nothing, checked
 * against the account and the server's registration policy. The answers are chosen so that,
 * where registration is not open, no refusal tells whether a name exists: an unknown name and a
 * wrong password get the same AUTH_FAILED after the same scrypt work.
 */
import { codePointLength, LIMITS, nameKey, type ErrorCode, type HelloFrame } from '../protocol';
import { signInKeys, type AttemptLimiter } from './attempt-limiter';
import type { IdentityStore, SignedInDevice } from './identity/identity-store';
import type { PasswordHasher } from './identity/passwords';

/** open: a new name registers on first hello; invite: with an invite code and a password; closed: only an admin creates accounts. */
export type RegistrationPolicy = 'open' | 'invite' | 'closed';
export const REGISTRATION_POLICIES: readonly RegistrationPolicy[] = ['open', 'invite', 'closed'];

export type HelloRefusalCode = Extract<ErrorCode, 'NAME_TAKEN' | 'AUTH_REQUIRED' | 'AUTH_FAILED' | 'INVITE_INVALID' | 'BAD_PASSWORD' | 'ACCOUNT_DISABLED'>;

export type HelloOutcome =
  | ({ ok: true; created: boolean } & SignedInDevice)
  | { ok: false; code: HelloRefusalCode | 'TOO_MANY_ATTEMPTS'; message: string; retryAfterMs?: number };

/** What a device that sent no label is called in the device list. */
const DEFAULT_DEVICE_LABEL = 'unnamed device';

const FAILED = 'wrong name or password';
const INVITE_INVALID = 'that invite is unknown, used up or expired; ask for a new one';
/** Said alike for a name that exists and one that does not, where registration is not open. */
/** Only ever said to someone whose credentials are right: anyone else gets what they would get anyway. */
const DISABLED = 'an administrator disabled this account; ask them to enable it again';
const SIGN_IN_NEEDED = 'sign in with your name and password (or register with an invite, if you have one)';

function refuse(code: HelloRefusalCode, message: string): HelloOutcome {
  return { ok: false, code, message };
}

export function passwordProblem(password: string): string | undefined {
  const length = codePointLength(password);
  if (length < LIMITS.passwordMinLength || length > LIMITS.passwordMaxLength) {
    return `a password is ${LIMITS.passwordMinLength} to ${LIMITS.passwordMaxLength} characters; this one has ${length}`;
  }
  return undefined;
}

export class Authenticator {
  constructor(
    private readonly identity: IdentityStore,
    private readonly passwords: PasswordHasher,
    private readonly policy: RegistrationPolicy,
    private readonly attempts: AttemptLimiter,
  ) {}

  /**
   * Failed passwords, tokens and invites count against the name at this address and against the
   * address; past the limit a password or invite is not even tried until the wait is over.
   */
  async hello(frame: HelloFrame, address: string): Promise<HelloOutcome> {
    const keys = signInKeys(nameKey(frame.name), address);
    if (frame.password !== undefined || frame.invite !== undefined) {
      const wait = await this.attempts.retryAfterMs(keys);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        return { ok: false, code: 'TOO_MANY_ATTEMPTS', message: `too many failed sign-ins; try again in ${seconds} s`, retryAfterMs: wait };
      }
    }
    const outcome = await this.decide(frame);
    if (!outcome.ok && (outcome.code === 'AUTH_FAILED' || outcome.code === 'INVITE_INVALID')) await this.attempts.fail(keys);
    return outcome;
  }

  private async decide(frame: HelloFrame): Promise<HelloOutcome> {
    const label = frame.device ?? DEFAULT_DEVICE_LABEL;
    const token = frame.token ?? frame.session;
    if (frame.password !== undefined) return this.withPassword(frame, frame.password, token, label);
    if (token !== undefined) {
      const known = await this.identity.verifyDevice(frame.name, token);
      if (known?.account.disabled) return refuse('ACCOUNT_DISABLED', DISABLED);
      if (known) return { ok: true, created: false, ...known, token };
    }
    const credentials = await this.identity.credentials(frame.name);
    if (credentials === undefined) return this.registerWithoutPassword(frame, label);
    if (this.policy !== 'open') return refuse('AUTH_REQUIRED', SIGN_IN_NEEDED);
    if (credentials.passwordHash !== undefined) {
      return frame.token !== undefined
        ? refuse('AUTH_FAILED', 'this device was signed out; sign in with your password')
        : refuse('AUTH_REQUIRED', `"${credentials.account.name}" has a password: sign in with it`);
    }
    return frame.token !== undefined
      ? refuse('AUTH_FAILED', 'this device token does not belong to that name')
      : refuse('NAME_TAKEN', `the name "${frame.name}" belongs to someone else; pick another or connect with its session`);
  }

  private async registerWithoutPassword(frame: HelloFrame, label: string): Promise<HelloOutcome> {
    if (this.policy !== 'open') return refuse('AUTH_REQUIRED', SIGN_IN_NEEDED);
    return this.register(frame.name, undefined, label);
  }

  private async withPassword(frame: HelloFrame, password: string, token: string | undefined, label: string): Promise<HelloOutcome> {
    const problem = passwordProblem(password);
    if (problem) return refuse('BAD_PASSWORD', problem);
    // Checked before the name, and alike for every name, so a made-up invite cannot probe for names.
    const invite = this.policy === 'open' ? undefined : frame.invite;
    if (invite !== undefined && !(await this.identity.isInviteLive(invite))) return refuse('INVITE_INVALID', INVITE_INVALID);
    const credentials = await this.identity.credentials(frame.name);
    if (credentials === undefined && (this.policy === 'open' || invite !== undefined)) {
      return this.register(frame.name, await this.passwords.hash(password), label, invite);
    }
    // The same scrypt work whether the account exists, has a password, or not.
    const verification = await this.passwords.verify(password, credentials?.passwordHash);
    if (!credentials || !verification.ok) return refuse('AUTH_FAILED', FAILED);
    const { account } = credentials;
    if (account.disabled) return refuse('ACCOUNT_DISABLED', DISABLED);
    if (verification.upgraded) await this.identity.setPasswordHash(account, verification.upgraded);
    // A device that still holds its token signs in again as itself, not as one more device.
    const known = token === undefined ? undefined : await this.identity.verifyDevice(account.name, token);
    if (known) return { ok: true, created: false, ...known, token: token! };
    return { ok: true, created: false, ...(await this.identity.addDevice(account, label)) };
  }

  private async register(name: string, passwordHash: string | undefined, label: string, invite?: string): Promise<HelloOutcome> {
    // Closed: only an admin creates accounts, and the answer is the one a wrong password gets.
    if (this.policy === 'closed') return refuse('AUTH_FAILED', FAILED);
    const result = await this.identity.register(name, passwordHash, label, invite);
    if (result === 'taken') return refuse('NAME_TAKEN', `the name "${name}" was just taken; pick another`);
    if (result === 'invite_invalid') return refuse('INVITE_INVALID', INVITE_INVALID);
    return { ok: true, created: true, ...result };
  }
}
