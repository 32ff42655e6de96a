/**
 * The interactive client's account commands: /passwd, /devices and /revoke, and the admins'
 * /disable and /enable. Each answers in one line (or the device list); a refusal from the
 * server is one line with its code.
 */
import type { RelayClient } from '../relay-client';
import { untrustedLine } from '../untrusted-text';
import { describe } from './describe-error';
import { formatDeviceList } from './format';
import { PromptCancelled } from './masked-prompt';
import { newPasswordProblem } from './password-sign-in';

export interface AccountCommandContext {
  client: RelayClient;
  /** Runs `work`, which asks its questions without echo, with the chat prompt set aside meanwhile. */
  askHidden<T>(work: (ask: (question: string) => Promise<string>) => Promise<T>): Promise<T>;
  notice(text: string): void;
  problem(text: string): void;
  /**
   * This device is about to be signed out on purpose; the returned function takes that back
   * when the server did not do it. Then the session ends as asked, not as an accident.
   */
  expectSignOut(): () => void;
}

export async function changePassword(context: AccountCommandContext): Promise<void> {
  const { client } = context;
  if (!isOnline(context)) return;
  const hadPassword = client.accountState?.password === true;
  let answers: { current: string | undefined; next: string; repeated: string };
  try {
    answers = await context.askHidden(async (ask) => ({
      current: hadPassword ? await ask('Current password: ') : undefined,
      next: await ask('New password: '),
      repeated: await ask('New password again: '),
    }));
  } catch (error) {
    if (error instanceof PromptCancelled) return context.notice('password not changed');
    throw error;
  }
  const problem = newPasswordProblem(answers.next, answers.repeated);
  if (problem) return context.problem(`password not changed: ${problem}`);
  try {
    await client.changePassword(answers.current, answers.next);
  } catch (error) {
    return context.problem(`password not changed ${describe(error)}`);
  }
  context.notice(
    hadPassword
      ? 'password changed; the devices signed in stay signed in'
      : `password set: ${untrustedLine(client.name)} can now sign in on other devices with it (relay-chat login)`,
  );
}

export async function showDevices(context: AccountCommandContext): Promise<void> {
  if (!isOnline(context)) return;
  try {
    const { devices } = await context.client.listDevices();
    context.notice(formatDeviceList(context.client.name, devices, Date.now()));
  } catch (error) {
    context.problem(`cannot list the devices ${describe(error)}`);
  }
}

export async function revoke(context: AccountCommandContext, target: number | 'all'): Promise<void> {
  const { client } = context;
  if (!isOnline(context)) return;
  let current = target === 'all';
  /** Whether no device would be left signed in. */
  let last = target === 'all';
  let label: string | undefined;
  if (target !== 'all') {
    let devices;
    try {
      ({ devices } = await client.listDevices());
    } catch (error) {
      return context.problem(`not signed out ${describe(error)}`);
    }
    const device = devices.find((candidate) => candidate.id === target);
    if (!device) return context.problem(`you have no device ${target}: /devices lists them`);
    current = device.current;
    last = devices.length === 1;
    label = untrustedLine(device.label);
  }
  if (last && client.accountState?.password === false) {
    // With no password and no device left, no one could ever sign in as this name again.
    return context.problem(`not signed out: ${untrustedLine(client.name)} has no password, so no device could sign in again; set one with /passwd first`);
  }
  const takeBack = current ? context.expectSignOut() : undefined;
  let revoked: number[];
  try {
    ({ devices: revoked } = await client.revokeDevice(target));
  } catch (error) {
    takeBack?.();
    return context.problem(`not signed out ${describe(error)}`);
  }
  if (target === 'all') {
    context.notice(`signed out ${revoked.length} device${revoked.length === 1 ? '' : 's'}, this one included; the session ends`);
  } else if (revoked.length === 0) {
    takeBack?.();
    context.problem(`device ${target} was already signed out`);
  } else {
    context.notice(current ? `signed out this device (${target}); the session ends` : `signed out device ${target} (${JSON.stringify(label)})`);
  }
}

/** An admin's /disable NAME (its devices are closed wherever they are) or /enable NAME. */
export async function setDisabled(context: AccountCommandContext, name: string, disabled: boolean): Promise<void> {
  if (!isOnline(context)) return;
  try {
    const reply = await context.client.setUserDisabled(name, disabled);
    context.notice(
      reply.disabled
        ? `${untrustedLine(reply.name)} is disabled: their devices were disconnected and cannot sign in until /enable`
        : `${untrustedLine(reply.name)} is enabled: their devices can sign in again`,
    );
  } catch (error) {
    context.problem(`${untrustedLine(name)} was not ${disabled ? 'disabled' : 'enabled'} ${describe(error)}`);
  }
}

function isOnline(context: AccountCommandContext): boolean {
  if (context.client.state === 'online') return true;
  context.problem('not connected right now: try again once reconnected');
  return false;
}
