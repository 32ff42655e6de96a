/** The Socket.IO 4 chat server of socketio-chat.ts, alone in its process (no adapter). */
import { startSocketIoChat } from './socketio-chat';

startSocketIoChat('socketio-server', process.argv.slice(2));
