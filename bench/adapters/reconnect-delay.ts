/**
 * How long a benchmark client that lost its node waits before it tries the next one: a short
 * random pause, so the clients of a dead node do not all arrive at once, as RelayClient's and
 * socket.io-client's randomised back-off do.
 */
const MIN_MS = 50;
const SPREAD_MS = 250;

export function reconnectDelayMs(): number {
  return MIN_MS + Math.random() * SPREAD_MS;
}
