import type { TargetName } from '../targets/names';
import type { TargetAdapter } from './adapter';
import { minimalRelayAdapter } from './minimal-relay';
import { relayChatAdapter } from './relay-chat';
import { socketIoAdapter } from './socketio';

export const ADAPTERS: Record<TargetName, TargetAdapter> = {
  relay: relayChatAdapter,
  minimal: minimalRelayAdapter,
  socketio: socketIoAdapter,
};
