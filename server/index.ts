export { startRelayServer, type RelayServer } from './relay-server';
export { DEFAULTS, type Logger, type RelayServerOptions } from './options';
export type { Broker, BrokerEvent, FrameEvent, DisconnectEvent, Audience, PresenceManager } from './broker/broker';
export { MemoryBroker, MemoryPresence } from './broker/memory-broker';
export type { MessageStore, UserRecord } from './store/message-store';
export { SqliteStore, DATABASE_FILE } from './store/sqlite-store';
