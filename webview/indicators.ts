/**
 * The lines around the message list: the connection banner (with a countdown while offline
 * and a Connect button when there is no connection), who is typing, and short notices.
 */
import type { ConnectionView } from '../extension/webview-protocol';

const NOTICE_MS = 6000;

export class ConnectionBanner {
  private countdown: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly element: HTMLElement,
    private readonly connect: () => void,
  ) {
    element.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('button')) this.connect();
    });
  }

  render(connection: ConnectionView): void {
    clearInterval(this.countdown);
    this.countdown = undefined;
    const { state } = connection;
    this.element.hidden = state === 'online';
    this.element.dataset.state = state;
    if (state === 'offline' && connection.retryAt !== undefined) {
      const retryAt = connection.retryAt;
      const tick = (): void => this.show(offlineText(connection, retryAt));
      tick();
      this.countdown = setInterval(tick, 1000);
      return;
    }
    switch (state) {
      case 'online':
        return;
      case 'connecting':
        return this.show('Connecting…');
      case 'offline':
        return this.show(connection.reached ? `Offline. ${QUEUED}` : unreachableText(connection));
      case 'closed':
        return this.show(`Disconnected${connection.error ? `: ${connection.error}` : ''}.`, true);
      case 'disconnected':
        return this.show('Not connected.', true);
    }
  }

  private show(text: string, offerConnect = false): void {
    this.element.textContent = text;
    if (offerConnect) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link-button';
      button.textContent = 'Connect';
      this.element.append(' ', button);
    }
  }
}

const QUEUED = 'Messages you send will go out when the connection is back.';

/** A dropped connection keeps what is typed; a server never reached (a wrong URL?) promises nothing. */
function offlineText(connection: ConnectionView, retryAt: number): string {
  const seconds = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
  if (!connection.reached) return `${unreachableText(connection)} Retrying ${seconds > 0 ? `in ${seconds} s` : 'now'}.`;
  return `Offline, ${seconds > 0 ? `reconnecting in ${seconds} s` : 'reconnecting…'}. ${QUEUED}`;
}

function unreachableText(connection: ConnectionView): string {
  return `Cannot reach the server${connection.error ? ` (${connection.error})` : ''}.`;
}

export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

export class NoticeLine {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly element: HTMLElement) {}

  show(text: string): void {
    clearTimeout(this.timer);
    this.element.textContent = text;
    this.element.hidden = false;
    this.timer = setTimeout(() => {
      this.element.hidden = true;
      this.element.textContent = '';
    }, NOTICE_MS);
  }
}
