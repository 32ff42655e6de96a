/**
 * The channels scenario's layout: 200 clients, 50 channels of 20 members, each client in 5.
 * Client c = 50·q + r is in channels r + s_q·j (mod 50), j = 0..4, with s_q one of 1, 3, 7, 9:
 * for each q that is 5 members per channel, so 20 in all, and every client's 5 are distinct.
 * A client posts to its first channel, r, only, so who should receive a sender's messages is
 * the same for all of them (what the delivery tracker counts on).
 */
export const CHANNEL_COUNT = 50;
export const CHANNELS_PER_CLIENT = 5;
export const CHANNEL_CLIENTS = 200;
const STRIDES = [1, 3, 7, 9] as const;

export function channelsOf(client: number): number[] {
  const r = client % CHANNEL_COUNT;
  const stride = STRIDES[Math.floor(client / CHANNEL_COUNT) % STRIDES.length]!;
  return Array.from({ length: CHANNELS_PER_CLIENT }, (_, j) => (r + stride * j) % CHANNEL_COUNT);
}

/** The channel a client posts to. */
export function homeChannel(client: number): number {
  return client % CHANNEL_COUNT;
}

export function channelName(channel: number): string {
  return `ch${channel}`;
}

export function inChannel(client: number, channel: number): boolean {
  return channelsOf(client).includes(channel);
}
