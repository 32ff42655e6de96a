/** The servers the benchmark compares; `minimal` is the ceiling every ratio is taken against. */
export const TARGET_NAMES = ['relay', 'minimal', 'socketio'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const TARGET_LABELS: Record<TargetName, string> = {
  relay: 'Relay Chat (SQLite on)',
  minimal: 'minimal ws relay',
  socketio: 'Socket.IO 4',
};

/** The target every ratio is relative to. */
export const BASELINE_TARGET: TargetName = 'minimal';
