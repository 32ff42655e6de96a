/**
 * What an administrator's device may do to other accounts: disable one (it cannot sign in, and
 * its live devices are closed with 4004 wherever they are connected) and enable it again.
 */
import { nameKey, quote, refOf, replyTagsOfFrame, type ClientFrame } from '../protocol';
import type { Broker } from './broker/broker';
import type { Connection } from './connection';
import { closeDevices, DISABLED_REASON } from './disconnect';
import type { IdentityStore } from './identity/identity-store';

export type AdminRequestFrame = Extract<ClientFrame, { type: 'disable' | 'enable' }>;

export class AdminRequests {
  constructor(
    private readonly identity: IdentityStore,
    private readonly broker: Broker,
  ) {}

  async handle(connection: Connection, frame: AdminRequestFrame): Promise<void> {
    const tags = replyTagsOfFrame(frame);
    // The role as stored now, not as it was at hello.
    const self = await this.identity.accountByName(connection.user!.name);
    if (!self || self.id !== connection.user!.id || !self.admin || self.disabled) {
      connection.sendError('FORBIDDEN', `only an administrator may ${frame.type} accounts`, tags);
      return;
    }
    const disable = frame.type === 'disable';
    if (disable && nameKey(frame.name) === connection.key) {
      connection.sendError('BAD_REQUEST', 'you cannot disable your own account; another administrator can', tags);
      return;
    }
    const account = await this.identity.setDisabled(frame.name, disable);
    if (!account) {
      connection.sendError('UNKNOWN_USER', `no user is named ${quote(frame.name)}`, tags);
      return;
    }
    if (disable) closeDevices(this.broker, account, 'all', DISABLED_REASON);
    connection.send({ type: 'user', ...refOf(frame), name: account.name, disabled: account.disabled });
  }
}
