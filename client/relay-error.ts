/** Rejects requestHistory and the account requests; `code` is a protocol error code or OFFLINE / DISCONNECTED / CLOSED. */
export class RelayError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}
