/** The terminal client's exit status, as documented in its --help. */
export const EXIT = {
  ok: 0,
  /** The server (or the client's own check) refused a message. */
  refusedMessage: 1,
  usage: 2,
  /** Could not connect, the name was refused, or the name connected from elsewhere. */
  noConnection: 3,
  /** A password prompt was cancelled with Ctrl+C: 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;
