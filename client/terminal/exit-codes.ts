/** The terminal client's exit status, as documented in its --help. */
export const EXIT = {
  ok: 0,
  /** The server (or the client's own check) refused a message. */
  refusedMessage: 1,
  usage: 2,
  /** Could not connect, the name was refused, or the name connected from elsewhere. */
  noConnection: 3,
} as const;
