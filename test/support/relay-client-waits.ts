/**
 * Waiting on RelayClients in black-box tests, and counting what each one was delivered. Timeouts
 * bound waits only; nothing here asserts how fast anything is.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { ChatMessage } from '../../protocol';
import type { OutgoingMessage, RelayClient, RelayClientEvents } from '../../client/relay-client';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the arguments of the next `event` that matches; rejects after `timeoutMs`. */
export function nextEvent<E extends keyof RelayClientEvents>(
  client: RelayClient,
  event: E,
  matches: (...args: RelayClientEvents[E]) => boolean = () => true,
  timeoutMs = 8000,
): Promise<RelayClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no matching '${String(event)}' event at ${client.name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: RelayClientEvents[E]): void => {
      if (!matches(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    client.on(event, listener);
  });
}

/** Connects and waits for the welcome; rejects with the reason if the client closes first. */
export async function online(client: RelayClient, timeoutMs = 10_000): Promise<RelayClient> {
  const welcomed = nextEvent(client, 'welcome', () => true, timeoutMs);
  const closed = nextEvent(client, 'state', (state) => state === 'closed', timeoutMs + 1000).then(([, detail]) => {
    throw new Error(`${client.name} closed before its welcome: ${detail?.error ?? 'no reason'}`);
  });
  closed.catch(() => undefined);
  client.connect();
  await Promise.race([welcomed, closed]);
  return client;
}

/** Polls until `check` holds; fails after `timeoutMs` saying what did not happen and, if given, what was seen. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, seen?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}${seen ? `; ${seen()}` : ''}`);
    await sleep(50);
  }
}

/** Every message one client was given ('message' events), in order. */
export class DeliveryLog {
  readonly messages: ChatMessage[] = [];

  constructor(readonly client: RelayClient) {
    client.on('message', (message) => this.messages.push(message));
  }

  ids(): string[] {
    return this.messages.map((message) => message.id);
  }

  /** How many copies of each of `expected` came, which never came and which came more than once (or were never sent). */
  account(expected: Iterable<string>): { lost: string[]; duplicated: string[]; unexpected: string[] } {
    const counts = new Map<string, number>();
    for (const id of this.ids()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const wanted = new Set(expected);
    return {
      lost: [...wanted].filter((id) => !counts.has(id)),
      duplicated: [...counts].filter(([, count]) => count > 1).map(([id, count]) => `${id}×${count}`),
      unexpected: [...counts.keys()].filter((id) => !wanted.has(id)),
    };
  }

  /** Seqs that came no later than a smaller one: empty when delivery kept seq order. */
  outOfOrder(): number[] {
    return this.messages.filter((message, i) => i > 0 && message.seq <= this.messages[i - 1]!.seq).map((message) => message.seq);
  }

  has(ids: Iterable<string>): boolean {
    const got = new Set(this.ids());
    return [...ids].every((id) => got.has(id));
  }
}

/** Resolves once the server acked `message` (the 'sent' event, or already sent). */
export function acked(client: RelayClient, message: OutgoingMessage, timeoutMs = 15_000): Promise<OutgoingMessage> {
  if (message.status === 'sent') return Promise.resolve(message);
  return nextEvent(client, 'sent', (sent) => sent.id === message.id, timeoutMs).then(([sent]) => sent);
}

export function getJson(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(text) as Record<string, unknown>);
          } catch (error) {
            reject(error);
          }
        });
      })
      .on('error', reject);
  });
}

/**
 * Waits until every log has each of its expected ids, lets late copies come for `settleMs`, then
 * asserts each got each exactly once (naming the lost and the duplicated), nothing else, in seq order.
 */
export async function deliveredOnce(logs: ReadonlyMap<DeliveryLog, readonly string[]>, timeoutMs = 10_000, settleMs = 400): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const [log, expected] of logs) {
    await eventually(() => log.has(expected), `${log.client.name} received all ${expected.length}`, Math.max(deadline - Date.now(), 0), () => `lost ${brief(log.account(expected).lost)}`);
  }
  await sleep(settleMs);
  for (const [log, expected] of logs) {
    const { lost, duplicated, unexpected } = log.account(expected);
    assert.ok(
      lost.length + duplicated.length + unexpected.length === 0,
      `at ${log.client.name} (on ${log.client.url}), of ${expected.length}: lost ${brief(lost)}, duplicated ${brief(duplicated)}, unexpected ${brief(unexpected)}`,
    );
    assert.deepEqual(log.outOfOrder(), [], `${log.client.name} got its messages in seq order`);
  }
}

/** How many, and the first few: a failure message stays readable with hundreds. */
function brief(ids: readonly string[]): string {
  return `${ids.length}${ids.length ? ` (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})` : ''}`;
}
