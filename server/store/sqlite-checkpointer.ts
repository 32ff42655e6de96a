/**
 * WAL checkpoints off the commit path. SQLite's automatic checkpoint runs inside the commit that
 * crosses `wal_autocheckpoint` pages: it copies the WAL into the database file and fsyncs both on
 * the event loop, and every frame waiting behind that commit waits with it (fan-out tail latency).
 * Instead the server's connection has automatic checkpoints off, and a worker thread with its own
 * connection runs a PASSIVE checkpoint every `intervalMs`, which never blocks the writer.
 *
 * The WAL stays bounded. It starts again from its beginning only when a commit begins while
 * everything in it has been copied, which a checkpoint beside a steady writer rarely achieves
 * (frames keep arriving while it copies). So when the worker reports more than
 * `restartAfterFrames` frames, the server's own connection runs one PASSIVE checkpoint at the end
 * of the turn: it only copies what arrived since the worker's pass, and the next commit restarts
 * the WAL. Should the worker fail, the connection goes back to automatic checkpoints.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface CheckpointerOptions {
  intervalMs: number;
  restartAfterFrames: number;
}

/** 4000 frames of 4 KiB: the WAL file stays near 16 MiB (journal_size_limit trims it back to that after a restart). */
export const DEFAULT_CHECKPOINTER: CheckpointerOptions = { intervalMs: 100, restartAfterFrames: 4000 };
/** SQLite's own default, restored if the worker fails. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000;
const PAGE_BYTES = 4096;

// Plain CommonJS, run by the worker as it is (eval), so it needs no file of its own next to the bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage(log);
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class SqliteCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private finishing = false;

  constructor(
    private readonly db: Database.Database,
    private readonly options: CheckpointerOptions = DEFAULT_CHECKPOINTER,
  ) {
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`journal_size_limit = ${options.restartAfterFrames * PAGE_BYTES}`);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: db.name, intervalMs: options.intervalMs },
    });
    this.worker.unref();
    this.worker.on('message', (frames: number) => this.walLength(frames));
    this.exited = new Promise((resolve) => {
      this.worker.once('error', () => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`);
      });
      this.worker.once('exit', () => resolve());
    });
  }

  /** Stops the worker and closes its connection; the server's connection checkpoints the rest when it closes. */
  async stop(): Promise<void> {
    // Held so that a process with nothing else to do waits for the worker instead of exiting mid-close.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }

  private walLength(frames: number): void {
    if (frames <= this.options.restartAfterFrames || this.finishing) return;
    this.finishing = true;
    setImmediate(() => {
      this.finishing = false;
      if (this.db.open) this.db.pragma('wal_checkpoint(PASSIVE)');
    });
  }
}
