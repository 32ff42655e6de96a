/**
 * The operator's commands (`relay-chat-server user|sessions|invite|release`), carried out the
 * same way by a running server (through its control socket, so signed-out devices are closed at
 * once) and by the command line on the store itself when no server runs. Each returns the lines
 * to print. Passwords arrive already hashed: the command line hashes them, and no password
 * crosses the control socket.
 */
import * as z from 'zod';
import { isValidName, quote } from '../protocol';
import type { IdentityStore } from './identity/identity-store';
import { inviteLink, normalisePublicUrl } from './public-url';
import { releaseAccount } from './release';
import type { MessageStore } from './store/message-store';

const name = z.string().refine(isValidName, 'not a valid name');
const serverUrl = z.string().max(2048).refine((value) => {
  try {
    return normalisePublicUrl(value) === value;
  } catch {
    return false;
  }
}, 'not a normalised ws:// or wss:// URL');

export const adminAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user-add'), name, passwordHash: z.string().max(512), admin: z.boolean() }),
  z.object({ kind: z.literal('user-list') }),
  z.object({ kind: z.literal('user-passwd'), name, passwordHash: z.string().max(512) }),
  z.object({ kind: z.literal('user-remove'), name }),
  z.object({ kind: z.literal('user-disable'), name }),
  z.object({ kind: z.literal('user-enable'), name }),
  z.object({ kind: z.literal('sessions-list'), name }),
  z.object({ kind: z.literal('sessions-revoke'), name, device: z.union([z.number().int().positive(), z.literal('all')]) }),
  /** `url`: the server URL for the link, when the operator gives one (already normalised). */
  z.object({ kind: z.literal('invite-create'), uses: z.number().int().positive(), expiresAt: z.number(), url: serverUrl.optional() }),
  z.object({ kind: z.literal('invite-list') }),
  z.object({ kind: z.literal('invite-revoke'), id: z.number().int().positive() }),
]);
export type AdminAction = z.infer<typeof adminAction>;

/** An operator's mistake (an unknown name, a taken one): printed as it is, exit status 2. */
export class AdminRefusal extends Error {}

export interface AdminContext {
  identity: IdentityStore;
  store: MessageStore;
  /** The URL clients reach the running server at, for invite links; absent when no server runs. */
  publicUrl?: string;
  /** Closes the live connections of these devices of the account (a running server), or nothing. */
  signedOut(account: { id: number; name: string }, deviceIds: readonly number[] | 'all'): void;
}

function date(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

async function accountNamed(context: AdminContext, userName: string) {
  const account = await context.identity.accountByName(userName);
  if (!account) throw new AdminRefusal(`no user is named ${quote(userName)}`);
  return account;
}

export async function runAdmin(action: AdminAction, context: AdminContext): Promise<string[]> {
  const { identity } = context;
  switch (action.kind) {
    case 'user-add': {
      const account = await identity.createAccount(action.name, action.passwordHash, action.admin);
      if (account === 'taken') throw new AdminRefusal(`the name ${quote(action.name)} is taken`);
      return [`added ${account.name}${account.admin ? ' (admin)' : ''}: they sign in with this name and the password`];
    }
    case 'user-list': {
      const accounts = await identity.accounts();
      if (accounts.length === 0) return ['no users yet'];
      return accounts.map(
        (account) =>
          `${account.name}${account.admin ? ' (admin)' : ''}${account.disabled ? ' (disabled)' : ''}  password: ${account.hasPassword ? 'yes' : 'no'}  devices: ${account.devices}  since ${date(account.createdAt)}`,
      );
    }
    case 'user-passwd': {
      const account = await accountNamed(context, action.name);
      await identity.setPasswordHash(account, action.passwordHash);
      return [`set a new password for ${account.name}; their signed-in devices stay signed in (sessions revoke to sign them out)`];
    }
    case 'user-remove': {
      const account = await releaseAccount(identity, context.store, action.name);
      if (!account) throw new AdminRefusal(`no user is named ${quote(action.name)}`);
      context.signedOut(account, 'all');
      return [`removed ${account.name}: the name is free, its devices are signed out and its private history is deleted`];
    }
    case 'user-disable': {
      const account = await identity.setDisabled(action.name, true);
      if (!account) throw new AdminRefusal(`no user is named ${quote(action.name)}`);
      context.signedOut(account, 'all');
      return [`disabled ${account.name}: disconnected, and no sign-in works until user enable ${account.name}; the name stays theirs`];
    }
    case 'user-enable': {
      const account = await identity.setDisabled(action.name, false);
      if (!account) throw new AdminRefusal(`no user is named ${quote(action.name)}`);
      return [`enabled ${account.name}: they sign in again, their devices with the tokens they hold`];
    }
    case 'sessions-list': {
      const account = await accountNamed(context, action.name);
      const devices = await identity.devices(account);
      if (devices.length === 0) return [`${account.name} is signed in nowhere`];
      return devices.map((device) => `${device.id}  ${device.label}  signed in ${date(device.createdAt)}, last seen ${date(device.lastSeenAt)}`);
    }
    case 'sessions-revoke': {
      const account = await accountNamed(context, action.name);
      const revoked = await identity.revokeDevices(account, action.device === 'all' ? 'all' : [action.device]);
      if (revoked.length === 0) throw new AdminRefusal(`${account.name} has no such device; see sessions list ${account.name}`);
      context.signedOut(account, revoked);
      return [`signed out ${revoked.length} device${revoked.length === 1 ? '' : 's'} of ${account.name}`];
    }
    case 'invite-create': {
      const { invite, code } = await identity.createInvite(action.uses, action.expiresAt);
      const serverUrl = action.url ?? context.publicUrl;
      return [
        `invite ${invite.id}: ${code}`,
        `  good for ${invite.usesLeft} registration${invite.usesLeft === 1 ? '' : 's'} until ${date(invite.expiresAt)}`,
        serverUrl !== undefined
          ? `  link: ${inviteLink(serverUrl, code)}`
          : '  for the link, run this while the server runs (it knows its URL) or add --url wss://HOST:PORT',
      ];
    }
    case 'invite-list': {
      const invites = await identity.invites();
      if (invites.length === 0) return ['no live invites'];
      return invites.map((invite) => `${invite.id}  ${invite.usesLeft} left  until ${date(invite.expiresAt)}  made ${date(invite.createdAt)}`);
    }
    case 'invite-revoke':
      if (!(await identity.revokeInvite(action.id))) throw new AdminRefusal(`no invite ${action.id}; see invite list`);
      return [`revoked invite ${action.id}`];
  }
}
