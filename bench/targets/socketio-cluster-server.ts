/**
 * The Socket.IO chat server of socketio-server.ts as one node of several: the same handlers, with
 * `@socket.io/redis-adapter` on one Redis (`--redis`, a unix socket path or redis:// URL), the
 * scale-out most Node chats use. The adapter forwards every broadcast to the other nodes over
 * Redis pub/sub and keeps no history: a socket that is away while a message passes never gets it.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { startSocketIoChat } from './socketio-chat';

const PROGRAM = 'socketio-cluster-server';

const argv = process.argv.slice(2);
const redisAt = argv.indexOf('--redis');
const redisUrl = redisAt >= 0 ? argv[redisAt + 1] : undefined;
if (typeof redisUrl !== 'string') throw new Error(`${PROGRAM}: --redis SOCKET_OR_URL is required`);
const connect = (): Redis => (redisUrl.startsWith('/') ? new Redis({ path: redisUrl }) : new Redis(redisUrl));
const publisher = connect();
const subscriber = publisher.duplicate();

// The listen flags are the shared ones; --redis is this node's own.
startSocketIoChat(PROGRAM, redisAt >= 0 ? [...argv.slice(0, redisAt), ...argv.slice(redisAt + 2)] : argv, {
  adapter: createAdapter(publisher, subscriber),
  async close() {
    publisher.disconnect();
    subscriber.disconnect();
  },
});
