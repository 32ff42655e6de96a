/** Freeing a name: shared by the running server and the command line when no server runs. */
import { isValidName } from '../protocol';
import type { Account, IdentityStore } from './identity/identity-store';
import type { MessageStore } from './store/message-store';

/** Deletes the account, its devices and its private conversations. Resolves with it, or undefined when unknown. */
export async function releaseAccount(identity: IdentityStore, store: MessageStore, name: string): Promise<Account | undefined> {
  if (!isValidName(name)) return undefined;
  const account = await identity.removeAccount(name);
  if (account) await store.deletePrivateConversations(account);
  return account;
}
