/**
 * The administration channel between `relay-chat-server` commands and the server that runs on
 * the same data folder: a unix socket, private to the server's user (folder 0700), carrying one
 * JSON request line and one JSON reply line. The operator's commands (admin.ts) go through the
 * running server, so it can act on live connections at once; with no server running, the command
 * opens the store itself.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { adminAction } from '../admin';

export const controlRequest = z.object({ command: z.literal('admin'), action: adminAction });
export type ControlRequest = z.infer<typeof controlRequest>;

/** `refused`: the operator's mistake (an unknown name…), not the server's failure. */
export const controlReply = z.union([
  z.object({ ok: z.literal(true), output: z.array(z.string()) }),
  z.object({ ok: z.literal(false), error: z.string(), refused: z.boolean() }),
]);
export type ControlReply = z.infer<typeof controlReply>;

/** A request line longer than this is refused: the peer is local, but still not trusted to be sane. */
export const CONTROL_MAX_LINE_BYTES = 64 * 1024;

const SOCKET_NAME = 'control.sock';
/** sun_path holds 108 bytes on Linux (104 on macOS); stay under both. */
const MAX_SOCKET_PATH = 100;

/** Where the server of `dataDir` listens: in the folder itself, or (for a long path) in a private folder under the temp dir. */
export function controlSocketPath(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  const inData = path.join(resolved, SOCKET_NAME);
  if (Buffer.byteLength(inData) <= MAX_SOCKET_PATH) return inData;
  const digest = createHash('sha256').update(resolved).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `relay-chat-${digest}`, SOCKET_NAME);
}
