/**
 * What a signed-in device may do to its own account: set the password, list its devices, sign
 * some or all of them out. A signed-out device's live connection is closed with 4004 wherever
 * it is connected, through the broker.
 */
import { refOf, replyTagsOfFrame, type ClientFrame, type PasswordRequestFrame, type RevokeRequestFrame } from '../protocol';
import { passwordProblem } from './authentication';
import type { Broker } from './broker/broker';
import type { Connection } from './connection';
import { closeDevices } from './disconnect';
import type { Account, IdentityStore } from './identity/identity-store';
import type { PasswordHasher } from './identity/passwords';

export type AccountRequestFrame = Extract<ClientFrame, { type: 'password' | 'devices' | 'revoke' | 'signout' }>;

const SIGNED_OUT_REASON = 'this device was signed out';

export class AccountRequests {
  constructor(
    private readonly identity: IdentityStore,
    private readonly passwords: PasswordHasher,
    private readonly broker: Broker,
  ) {}

  async handle(connection: Connection, frame: AccountRequestFrame): Promise<void> {
    // The account as stored now, not as it was at hello: an admin or a password may have changed.
    const account = await this.identity.accountByName(connection.user!.name);
    if (!account || account.id !== connection.user!.id) {
      connection.sendError('AUTH_FAILED', 'this account no longer exists', replyTagsOfFrame(frame));
      return;
    }
    switch (frame.type) {
      case 'password':
        return this.setPassword(connection, account, frame);
      case 'devices': {
        const devices = await this.identity.devices(account);
        connection.send({
          type: 'devices',
          ...refOf(frame),
          devices: devices.map((device) => ({ ...device, current: device.id === connection.deviceId })),
        });
        return;
      }
      case 'revoke':
        return this.revoke(connection, account, frame);
      case 'signout':
        return this.signOut(connection, account, [connection.deviceId!], frame);
    }
  }

  private async setPassword(connection: Connection, account: Account, frame: PasswordRequestFrame): Promise<void> {
    const problem = passwordProblem(frame.password);
    if (problem) {
      connection.sendError('BAD_PASSWORD', problem, replyTagsOfFrame(frame));
      return;
    }
    if (account.hasPassword) {
      const credentials = await this.identity.credentials(account.name);
      const verified = await this.passwords.verify(frame.current ?? '', credentials?.passwordHash);
      if (!verified.ok) {
        connection.sendError('AUTH_FAILED', 'the current password is wrong', replyTagsOfFrame(frame));
        return;
      }
    }
    await this.identity.setPasswordHash(account, await this.passwords.hash(frame.password));
    connection.send({ type: 'account', ...refOf(frame), account: { admin: account.admin, password: true } });
  }

  private async revoke(connection: Connection, account: Account, frame: RevokeRequestFrame): Promise<void> {
    if ((frame.device === undefined) === (frame.all === undefined)) {
      connection.sendError('BAD_FRAME', 'revoke takes either "device" (an id from devices) or "all": true', replyTagsOfFrame(frame));
      return;
    }
    await this.signOut(connection, account, frame.all ? 'all' : [frame.device!], frame);
  }

  private async signOut(connection: Connection, account: Account, which: readonly number[] | 'all', frame: AccountRequestFrame): Promise<void> {
    const revoked = await this.identity.revokeDevices(account, which);
    connection.send({ type: 'revoked', ...refOf(frame), devices: revoked });
    closeDevices(this.broker, account, revoked, SIGNED_OUT_REASON);
  }
}
