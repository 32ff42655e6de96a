/** A raw protocol client for tests: sends anything, records every frame, waits for what it expects. */
import WebSocket from 'ws';
import { parseServerFrame, type ServerFrame, type WelcomeFrame } from '../../protocol';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export interface CloseEvent {
  code: number;
  reason: string;
}

export class TestClient {
  readonly frames: ServerFrame[] = [];
  private readonly consumed = new Set<number>();
  private waiters: Array<() => void> = [];
  readonly closed: Promise<CloseEvent>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const parsed = parseServerFrame(data.toString('utf8'));
      if (!parsed.ok) throw new Error(`server sent an invalid frame: ${parsed.message}: ${data.toString('utf8')}`);
      this.frames.push(parsed.frame);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Connects and says hello; resolves with the welcome. */
  static async join(
    url: string,
    name: string,
    extra: { session?: string; token?: string; password?: string; invite?: string; device?: string; resume?: number; protocol?: number } = {},
    options: WebSocket.ClientOptions = {},
  ): Promise<TestClient & { welcome: WelcomeFrame }> {
    const client = await TestClient.connect(url, options);
    client.send({ type: 'hello', name, ...extra });
    const welcome = await client.next('welcome');
    return Object.assign(client, { welcome });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  send(frame: object | string | Buffer): void {
    this.ws.send(typeof frame === 'object' && !Buffer.isBuffer(frame) ? JSON.stringify(frame) : frame);
  }

  private take<T extends ServerFrame>(match: (frame: ServerFrame) => frame is T): T | undefined {
    for (let i = 0; i < this.frames.length; i++) {
      const frame = this.frames[i]!;
      if (!this.consumed.has(i) && match(frame)) {
        this.consumed.add(i);
        return frame;
      }
    }
    return undefined;
  }

  /** The oldest not yet taken frame of `type` (that also passes `where`), waiting for it if needed. */
  next<T extends ServerFrame['type']>(
    type: T,
    where: (frame: FrameOf<T>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<FrameOf<T>> {
    return this.nextMatching((frame): frame is FrameOf<T> => frame.type === type && where(frame as FrameOf<T>), `${type} frame`, timeoutMs);
  }

  private async nextMatching<T extends ServerFrame>(match: (frame: ServerFrame) => frame is T, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.take(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames of `type` received so far and not yet taken. */
  pending<T extends ServerFrame['type']>(type: T): FrameOf<T>[] {
    return this.frames.filter((frame, i) => frame.type === type && !this.consumed.has(i)) as FrameOf<T>[];
  }

  /** Says hello and expects it refused: the error's code and message, and the close code. */
  static refused(url: string, hello: object): Promise<{ code: string; message: string; close: number }> {
    return TestClient.refusedWith(url, hello, {});
  }

  static async refusedWith(url: string, hello: object, options: WebSocket.ClientOptions): Promise<{ code: string; message: string; close: number }> {
    const client = await TestClient.connect(url, options);
    client.send({ type: 'hello', ...hello });
    const error = await client.next('error');
    return { code: error.code, message: error.message, close: (await client.closed).code };
  }

  /** Connects and says hello as a protocol 2 client (channels); resolves with the welcome. */
  static join2(
    url: string,
    name: string,
    extra: { token?: string; password?: string; device?: string; resume?: number } = {},
  ): Promise<TestClient & { welcome: WelcomeFrame }> {
    return TestClient.join(url, name, { ...extra, protocol: 2 });
  }

  /** Sends a request with `ref` and resolves with the frame that carries the ref back (its reply, or an error). */
  request(frame: { type: string; [field: string]: unknown }, ref: string): Promise<ServerFrame> {
    this.send({ ...frame, ref });
    return this.nextMatching((reply): reply is ServerFrame => 'ref' in reply && reply.ref === ref, `reply to ${ref}`, 3000);
  }

  /** Sends a request that must fail; resolves with the error's code and message. */
  async refusal(frame: { type: string; [field: string]: unknown }, ref: string): Promise<{ code: string; message: string }> {
    const reply = await this.request(frame, ref);
    if (reply.type !== 'error') throw new Error(`expected an error for ${ref}, got ${JSON.stringify(reply)}`);
    return { code: reply.code, message: reply.message };
  }

  /** Waits for a round trip through the server, so anything sent to us before it has arrived. */
  async sync(): Promise<void> {
    this.send({ type: 'history', limit: 1 });
    await this.next('history');
  }

  close(): Promise<CloseEvent> {
    this.ws.close();
    return this.closed;
  }
}
