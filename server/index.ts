export { startRelayServer, type RelayServer } from './relay-server';
export { DEFAULTS, type Logger, type RelayServerOptions, type Storage } from './options';
export type { Broker, BrokerEvent, FrameEvent, DisconnectEvent, Audience, PresenceManager } from './broker/broker';
export { MemoryBroker, MemoryPresence } from './broker/memory-broker';
export type { MessageStore, UserRecord } from './store/message-store';
export type { Account, Device, IdentityStore } from './identity/identity-store';
export { openSqliteBackend, type SqliteBackend } from './store/sqlite-backend';
export { DATABASE_FILE } from './store/sqlite-database';
export { releaseAccount } from './release';
